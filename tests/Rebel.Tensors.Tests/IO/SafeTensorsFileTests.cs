using System.Text.Json;
using Rebel.Tensors.IO;

namespace Rebel.Tensors.Tests.IO;

/// <summary>Reads fixtures written by tools/make_safetensors_fixtures.py (an independent writer, torch conversions).</summary>
public class SafeTensorsFileTests
{
    private static readonly string FixtureDir = Path.Combine(TestContext.CurrentContext.TestDirectory, "fixtures", "safetensors");
    private static string Mixed => Path.Combine(FixtureDir, "mixed.safetensors");

    private static JsonElement Expected(string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(FixtureDir, file)));
        return doc.RootElement.Clone();
    }

    internal static uint[] Bits(JsonElement tensor) => tensor.GetProperty("bits").EnumerateArray().Select(b => b.GetUInt32()).ToArray();

    internal static int[] Shape(JsonElement tensor) => tensor.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray();

    internal static uint[] BitsOf(float[] values) => values.Select(BitConverter.SingleToUInt32Bits).ToArray();

    [Test]
    public void ReadFloat32_MixedFixture_MatchesTorchConversionsBitForBit()
    {
        var expected = Expected("mixed.expected.json").GetProperty("tensors");
        using var file = SafeTensorsFile.Open(Mixed);
        int checkedTensors = 0;
        foreach (var entry in expected.EnumerateObject())
        {
            var values = file.ReadFloat32(entry.Name);
            Assert.That(BitsOf(values), Is.EqualTo(Bits(entry.Value)), $"tensor {entry.Name}");
            checkedTensors++;
        }
        Assert.That(checkedTensors, Is.EqualTo(6));
    }

    [Test]
    public void Open_MixedFixture_DescribesEveryTensorInDataOrder()
    {
        var expected = Expected("mixed.expected.json");
        using var file = SafeTensorsFile.Open(Mixed);
        var order = expected.GetProperty("order").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.That(file.Names, Is.EqualTo(order));
        foreach (var entry in expected.GetProperty("tensors").EnumerateObject())
        {
            Assert.That(file.TryGetInfo(entry.Name, out var info), Is.True);
            Assert.That(info!.DType.HeaderName(), Is.EqualTo(entry.Value.GetProperty("dtype").GetString()));
            Assert.That(info.Shape, Is.EqualTo(Shape(entry.Value)));
        }
        var bf16 = file.GetInfo("blocks.0.w_bf16");
        Assert.That((bf16.ElementCount, bf16.ByteLength, bf16.ShapeText), Is.EqualTo((1003L, 2006L, "[17, 59]")));
        Assert.That(file.GetInfo("scale").ElementCount, Is.EqualTo(1), "a scalar has one element");
        Assert.That(file.ReadFloat32("empty"), Is.Empty);
        Assert.That(file.TryGetInfo("missing", out _), Is.False);
        Assert.That(file.Contains("position_ids"), Is.True);
    }

    [Test]
    public void Metadata_MixedFixture_ReadsUtf8Strings()
    {
        using var file = SafeTensorsFile.Open(Mixed);
        Assert.That(file.Metadata["format"], Is.EqualTo("pt"));
        Assert.That(file.Metadata["ünïcode"], Is.EqualTo("välue"));
        Assert.That(file.Metadata, Has.Count.EqualTo(3));
        Assert.That(file.Tensors.Select(t => t.Name), Does.Not.Contain("__metadata__"));
    }

    [Test]
    public void ReadInto_FillsSpan_AndMatchesReadFloat32()
    {
        using var file = SafeTensorsFile.Open(Mixed);
        var buffer = new float[1003 + 2];
        buffer[0] = 42f;
        buffer[^1] = 43f;
        file.ReadInto("blocks.0.w_f16", buffer.AsSpan(1, 1003));
        Assert.That(buffer.AsSpan(1, 1003).ToArray(), Is.EqualTo(file.ReadFloat32("blocks.0.w_f16")));
        Assert.That((buffer[0], buffer[^1]), Is.EqualTo((42f, 43f)), "ReadInto wrote outside its span");
    }

    [Test]
    public void ReadInto_WrongLength_ThrowsWithBothSizes()
    {
        using var file = SafeTensorsFile.Open(Mixed);
        var e = Assert.Throws<ArgumentException>(() => file.ReadInto("embed.weight", new float[14]))!;
        Assert.That(e.Message, Does.Contain("[3, 5]").And.Contain("15").And.Contain("14"));
    }

    [Test]
    public void ReadFloat32_UnsupportedDType_ThrowsNamingTensorAndDType()
    {
        using var file = SafeTensorsFile.Open(Mixed);
        Assert.That(file.GetInfo("position_ids").DType, Is.EqualTo(SafeTensorsDType.I64));
        var e = Assert.Throws<NotSupportedException>(() => file.ReadFloat32("position_ids"))!;
        Assert.That(e.Message, Does.Contain("\"position_ids\"").And.Contain("I64"));
    }

    [Test]
    public void ReadFloat32_UnknownName_ThrowsKeyNotFound()
    {
        using var file = SafeTensorsFile.Open(Mixed);
        var e = Assert.Throws<KeyNotFoundException>(() => file.ReadFloat32("nope"))!;
        Assert.That(e.Message, Does.Contain("\"nope\""));
    }

    [Test]
    public void ReadFloat32_AfterDispose_Throws()
    {
        var file = SafeTensorsFile.Open(Mixed);
        file.Dispose();
        file.Dispose(); // idempotent
        Assert.Throws<ObjectDisposedException>(() => file.ReadFloat32("scale"));
    }

    [Test]
    public void Open_MissingFile_ThrowsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => SafeTensorsFile.Open(Path.Combine(FixtureDir, "does-not-exist.safetensors")));
    }
}
