using System.Text.Json.Nodes;
using Rebel.Tensors.IO;

namespace Rebel.Tensors.Tests.IO;

public class SafeTensorsCheckpointTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rebel-checkpoint-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static float[] Random(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
    }

    private static (string, int[], ReadOnlyMemory<float>, SafeTensorsDType)[] Tensors(SafeTensorsDType dtype) =>
    [
        ("a.weight", [4, 6], Random(24, 1), dtype),
        ("b.weight", [6], Random(6, 2), dtype),
        ("c.weight", [3, 5], Random(15, 3), dtype),
    ];

    [TestCase(SafeTensorsDType.BF16)]
    [TestCase(SafeTensorsDType.F16)]
    public void Write_SixteenBit_RoundTripsByteForByte(SafeTensorsDType dtype)
    {
        var first = Path.Combine(_dir, "first.safetensors");
        SafeTensorsWriter.Write(first, Tensors(dtype));
        using var file = SafeTensorsFile.Open(first);
        Assert.That(file.Tensors.All(t => t.DType == dtype));
        var loaded = file.Names.Select(n => (n, file.GetInfo(n).Shape.ToArray(), (ReadOnlyMemory<float>)file.ReadFloat32(n), dtype)).ToList();
        var second = Path.Combine(_dir, "second.safetensors");
        SafeTensorsWriter.Write(second, loaded);
        Assert.That(File.ReadAllBytes(second), Is.EqualTo(File.ReadAllBytes(first)));
    }

    [Test]
    public void Write_BFloat16_RoundsToNearestEven()
    {
        // 1 + 2⁻⁸ lies halfway between bf16 neighbours 1 and 1 + 2⁻⁷: ties go to the even one (1); just above goes up.
        float tie = 1f + MathF.Pow(2, -8), above = BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(tie) + 1);
        var path = Path.Combine(_dir, "round.safetensors");
        SafeTensorsWriter.Write(path, new (string, int[], ReadOnlyMemory<float>, SafeTensorsDType)[]
            { ("x", [4], new[] { tie, above, float.NaN, -0f }, SafeTensorsDType.BF16) });
        using var file = SafeTensorsFile.Open(path);
        var back = file.ReadFloat32("x");
        Assert.That(back[0], Is.EqualTo(1f));
        Assert.That(back[1], Is.EqualTo(1f + MathF.Pow(2, -7)));
        Assert.That(float.IsNaN(back[2]));
        Assert.That(BitConverter.SingleToUInt32Bits(back[3]), Is.EqualTo(0x80000000u));
    }

    [Test]
    public void Write_OverShardLimit_WritesIndexAndShardsThatReadBack()
    {
        var tensors = Tensors(SafeTensorsDType.F32);
        SafeTensorsCheckpoint.Write(_dir, tensors, maxShardBytes: 70);
        Assert.That(File.Exists(Path.Combine(_dir, SafeTensorsCheckpoint.IndexFile)));
        using var weights = SafeTensorsCheckpoint.Open(_dir);
        Assert.That(weights.IsSharded);
        Assert.That(weights.Files, Is.EqualTo(new[] { "model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors" }));
        foreach (var (name, _, data, _) in tensors)
            Assert.That(weights.ReadFloat32(name), Is.EqualTo(data.ToArray()));
        Assert.That(weights.FileOf("b.weight"), Does.EndWith("model-00002-of-00003.safetensors"));
    }

    [Test]
    public void Write_UnderShardLimit_WritesOneFile()
    {
        SafeTensorsCheckpoint.Write(_dir, Tensors(SafeTensorsDType.BF16), maxShardBytes: 1 << 20);
        using var weights = SafeTensorsCheckpoint.Open(_dir);
        Assert.That(weights.IsSharded, Is.False);
        Assert.That(weights.Names, Is.EqualTo(new[] { "a.weight", "b.weight", "c.weight" }));
    }

    [Test]
    public void Open_ShardMissing_NamesShardAndTensor()
    {
        SafeTensorsCheckpoint.Write(_dir, Tensors(SafeTensorsDType.F32), maxShardBytes: 70);
        File.Delete(Path.Combine(_dir, "model-00002-of-00003.safetensors"));
        var ex = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsCheckpoint.Open(_dir));
        Assert.That(ex!.Message, Does.Contain("model-00002-of-00003.safetensors").And.Contain("b.weight").And.Contain(SafeTensorsCheckpoint.IndexFile));
    }

    [Test]
    public void Open_TruncatedShard_NamesFile()
    {
        SafeTensorsCheckpoint.Write(_dir, Tensors(SafeTensorsDType.F32), maxShardBytes: 70);
        var shard = Path.Combine(_dir, "model-00003-of-00003.safetensors");
        var bytes = File.ReadAllBytes(shard);
        File.WriteAllBytes(shard, bytes[..^4]);
        var ex = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsCheckpoint.Open(_dir));
        Assert.That(ex!.Message, Does.Contain("model-00003-of-00003.safetensors"));
    }

    [Test]
    public void Open_IndexPlacesTensorInWrongShard_NamesTensorAndShard()
    {
        SafeTensorsCheckpoint.Write(_dir, Tensors(SafeTensorsDType.F32), maxShardBytes: 70);
        var indexPath = Path.Combine(_dir, SafeTensorsCheckpoint.IndexFile);
        var index = JsonNode.Parse(File.ReadAllText(indexPath))!;
        index["weight_map"]!["a.weight"] = "model-00003-of-00003.safetensors";
        File.WriteAllText(indexPath, index.ToJsonString());
        var ex = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsCheckpoint.Open(_dir));
        Assert.That(ex!.Message, Does.Contain("a.weight"));
    }

    [Test]
    public void Open_NoWeights_ThrowsFileNotFound() =>
        Assert.Throws<FileNotFoundException>(() => SafeTensorsCheckpoint.Open(_dir));
}
