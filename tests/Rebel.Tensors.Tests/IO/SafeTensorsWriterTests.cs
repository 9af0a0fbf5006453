using System.Text.Json;
using Rebel.Tensors.IO;

namespace Rebel.Tensors.Tests.IO;

public class SafeTensorsWriterTests
{
    private static readonly string FixtureDir = Path.Combine(TestContext.CurrentContext.TestDirectory, "fixtures", "safetensors");
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rebel-safetensors-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static float[] Random(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
    }

    [Test]
    public void Write_ThenOpen_RoundTripsValuesShapesAndMetadata()
    {
        var path = Path.Combine(_dir, "sub", "model.safetensors");
        var w = Random(12, 1);
        var b = new[] { float.NaN, float.PositiveInfinity, -0f, float.Epsilon, float.MaxValue };
        var s = new[] { 3.5f };
        SafeTensorsWriter.Write(path, new (string, int[], ReadOnlyMemory<float>)[]
        {
            ("h.0.w", new[] { 3, 4 }, w),
            ("h.0.b", new[] { 5 }, b),
            ("scalar", Array.Empty<int>(), s),
            ("empty", new[] { 2, 0 }, ReadOnlyMemory<float>.Empty),
        }, new Dictionary<string, string> { ["format"] = "pt", ["step"] = "7", ["ünï"] = "<&>\"\n" });

        using var file = SafeTensorsFile.Open(path);
        Assert.That(file.Names, Is.EqualTo(new[] { "empty", "h.0.b", "h.0.w", "scalar" }), "sorted by ordinal name");
        Assert.That(SafeTensorsFileTests.BitsOf(file.ReadFloat32("h.0.w")), Is.EqualTo(SafeTensorsFileTests.BitsOf(w)));
        Assert.That(SafeTensorsFileTests.BitsOf(file.ReadFloat32("h.0.b")), Is.EqualTo(SafeTensorsFileTests.BitsOf(b)));
        Assert.That(file.ReadFloat32("scalar"), Is.EqualTo(s));
        Assert.That(file.GetInfo("h.0.w").Shape, Is.EqualTo(new[] { 3, 4 }));
        Assert.That(file.GetInfo("scalar").Shape, Is.Empty);
        Assert.That(file.GetInfo("empty").Shape, Is.EqualTo(new[] { 2, 0 }));
        Assert.That(file.Metadata, Is.EquivalentTo(new Dictionary<string, string> { ["format"] = "pt", ["step"] = "7", ["ünï"] = "<&>\"\n" }));
        Assert.That(file.Tensors.All(t => t.DType == SafeTensorsDType.F32));
    }

    [Test]
    public void Write_PadsHeaderSoDataStartsAtMultipleOfEight()
    {
        foreach (var name in new[] { "a", "ab", "abc", "abcd", "abcde", "abcdef", "abcdefg", "abcdefgh" })
        {
            var path = Path.Combine(_dir, name + ".safetensors");
            SafeTensorsWriter.Write(path, new (string, int[], ReadOnlyMemory<float>)[] { (name, new[] { 1 }, new[] { 1f }) });
            var bytes = File.ReadAllBytes(path);
            long n = BitConverter.ToInt64(bytes, 0);
            Assert.That((8 + n) % 8, Is.EqualTo(0), name);
            Assert.That(bytes.Length, Is.EqualTo(8 + n + 4));
        }
    }

    [Test]
    public void Write_CanonicalFixture_ReproducesReferenceLayoutByteForByte()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(FixtureDir, "canonical.expected.json")));
        var tensors = doc.RootElement.GetProperty("tensors").EnumerateObject()
            .Select(t => (t.Name, SafeTensorsFileTests.Shape(t.Value),
                (ReadOnlyMemory<float>)SafeTensorsFileTests.Bits(t.Value).Select(BitConverter.UInt32BitsToSingle).ToArray()))
            .ToList();
        var metadata = doc.RootElement.GetProperty("metadata").EnumerateObject().ToDictionary(m => m.Name, m => m.Value.GetString()!);
        Assert.That(tensors, Has.Count.EqualTo(5));

        var path = Path.Combine(_dir, "canonical.safetensors");
        SafeTensorsWriter.Write(path, tensors, metadata);
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(File.ReadAllBytes(Path.Combine(FixtureDir, "canonical.safetensors"))));
    }

    [Test]
    public void Write_InputOrderDoesNotChangeBytes()
    {
        var x = Random(6, 2);
        var y = Random(4, 3);
        var p1 = Path.Combine(_dir, "1.safetensors");
        var p2 = Path.Combine(_dir, "2.safetensors");
        SafeTensorsWriter.Write(p1, new (string, int[], ReadOnlyMemory<float>)[] { ("x", new[] { 2, 3 }, x), ("y", new[] { 4 }, y) },
            new Dictionary<string, string> { ["b"] = "1", ["a"] = "2" });
        SafeTensorsWriter.Write(p2, new (string, int[], ReadOnlyMemory<float>)[] { ("y", new[] { 4 }, y), ("x", new[] { 2, 3 }, x) },
            new Dictionary<string, string> { ["a"] = "2", ["b"] = "1" });
        Assert.That(File.ReadAllBytes(p1), Is.EqualTo(File.ReadAllBytes(p2)));
    }

    [Test]
    public void Write_OverExistingFile_ReplacesItAndLeavesNoTemporaryFile()
    {
        var path = Path.Combine(_dir, "m.safetensors");
        SafeTensorsWriter.Write(path, new (string, int[], ReadOnlyMemory<float>)[] { ("old", new[] { 2 }, new[] { 1f, 2f }) });
        SafeTensorsWriter.Write(path, new (string, int[], ReadOnlyMemory<float>)[] { ("new", new[] { 1 }, new[] { 3f }) });
        using (var file = SafeTensorsFile.Open(path))
            Assert.That(file.Names, Is.EqualTo(new[] { "new" }));
        Assert.That(Directory.GetFiles(_dir), Is.EqualTo(new[] { path }));
    }

    [Test]
    public void Write_BadInput_ThrowsAndLeavesNoFile()
    {
        var path = Path.Combine(_dir, "bad.safetensors");
        var e = Assert.Throws<ArgumentException>(() => SafeTensorsWriter.Write(path,
            new (string, int[], ReadOnlyMemory<float>)[] { ("w", new[] { 2, 3 }, new float[5]) }))!;
        Assert.That(e.Message, Does.Contain("[2, 3]").And.Contain("6").And.Contain("5"));
        Assert.Throws<ArgumentException>(() => SafeTensorsWriter.Write(path,
            new (string, int[], ReadOnlyMemory<float>)[] { ("w", new[] { 1 }, new float[1]), ("w", new[] { 1 }, new float[1]) }));
        Assert.Throws<ArgumentException>(() => SafeTensorsWriter.Write(path,
            new (string, int[], ReadOnlyMemory<float>)[] { ("__metadata__", new[] { 1 }, new float[1]) }));
        Assert.Throws<ArgumentException>(() => SafeTensorsWriter.Write(path,
            new (string, int[], ReadOnlyMemory<float>)[] { ("", new[] { 1 }, new float[1]) }));
        Assert.Throws<ArgumentException>(() => SafeTensorsWriter.Write(path,
            new (string, int[], ReadOnlyMemory<float>)[] { ("w", new[] { -1 }, ReadOnlyMemory<float>.Empty) }));
        Assert.That(Directory.GetFiles(_dir), Is.Empty);
    }
    [Test]
    public void WriteTensors_ThenReadTensor_RoundTripsNamedTensorsIncludingStridedViews()
    {
        var w = Tensor.FromArray(Random(6, 4), 2, 3);
        w.Name = "w";
        var wt = w.Transpose(0, 1); // a strided view: written in its logical row-major order
        wt.Name = "w.T";
        var path = Path.Combine(_dir, "t.safetensors");
        SafeTensorsWriter.Write(path, [w, wt]);
        using var file = SafeTensorsFile.Open(path);
        var back = file.ReadTensor("w.T");
        Assert.That((back.Name, back.ShapeArray), Is.EqualTo(("w.T", new[] { 3, 2 })));
        Assert.That(back.ToArray(), Is.EqualTo(wt.ToArray()));
        Assert.That(file.ReadTensor("w").ToArray(), Is.EqualTo(w.ToArray()));
        Assert.That(back.RequiresGrad, Is.False);

        var unnamed = Tensor.Zeros(2);
        Assert.That(Assert.Throws<ArgumentException>(() => SafeTensorsWriter.Write(path, [unnamed]))!.Message, Does.Contain("no Name"));
    }
}
