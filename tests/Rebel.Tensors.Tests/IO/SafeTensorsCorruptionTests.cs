using System.Buffers.Binary;
using System.Text;
using Rebel.Tensors.IO;

namespace Rebel.Tensors.Tests.IO;

/// <summary>Every way a file can be truncated or corrupt must throw <see cref="SafeTensorsFormatException"/> on open.</summary>
public class SafeTensorsCorruptionTests
{
    private static readonly string FixtureDir = Path.Combine(TestContext.CurrentContext.TestDirectory, "fixtures", "safetensors");
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rebel-safetensors-bad-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    /// <summary>Writes 8-byte length (of the header, unless overridden) + header + data bytes.</summary>
    private string Build(string header, int dataBytes, ulong? declaredLength = null, string name = "bad.safetensors")
    {
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declaredLength ?? (ulong)json.Length);
        json.CopyTo(bytes, 8);
        for (int i = 0; i < dataBytes; i++) bytes[8 + json.Length + i] = (byte)(i * 7);
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static SafeTensorsFormatException OpenFails(string path)
    {
        var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsFile.Open(path).Dispose())!;
        Assert.That(e.Path, Is.EqualTo(path));
        Assert.That(e.Message, Does.StartWith(path + ": "));
        return e;
    }

    private const string Good = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";

    [Test]
    public void Open_WellFormedBaseline_Succeeds()
    {
        using var file = SafeTensorsFile.Open(Build(Good, 8));
        Assert.That(file.ReadFloat32("a"), Has.Length.EqualTo(2));
    }

    [Test]
    public void Open_TruncatedData_Throws()
    {
        var e = OpenFails(Build(Good, 5));
        Assert.That(e.TensorName, Is.EqualTo("a"));
        Assert.That(e.Problem, Does.Contain("extend past the 5-byte data section"));
    }

    [Test]
    public void Open_TruncatedHeader_Throws()
    {
        var path = Build(Good, 8);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..20]);
        Assert.That(OpenFails(path).Problem, Does.Contain($"header length {Good.Length} exceeds the 12 bytes"));
    }

    [TestCase(0)]
    [TestCase(3)]
    [TestCase(7)]
    public void Open_ShorterThanLengthPrefix_Throws(int length)
    {
        var path = Path.Combine(_dir, "short.safetensors");
        File.WriteAllBytes(path, new byte[length]);
        Assert.That(OpenFails(path).Problem, Does.Contain($"file is {length} bytes"));
    }

    [TestCase(1000UL)]
    [TestCase(ulong.MaxValue)]
    public void Open_HeaderLengthTooLarge_Throws(ulong declared)
    {
        Assert.That(OpenFails(Build(Good, 8, declared)).Problem, Does.Contain($"header length {declared} exceeds"));
    }

    [TestCase("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}", TestName = "Open_BadJson_UnclosedObject_Throws")]
    [TestCase("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],}}", TestName = "Open_BadJson_TrailingComma_Throws")]
    [TestCase("{\"a\":{\"dtype\":F32}}", TestName = "Open_BadJson_BareWord_Throws")]
    [TestCase("{} {}", TestName = "Open_BadJson_TwoValues_Throws")]
    public void Open_BadJson_Throws(string header)
    {
        Assert.That(OpenFails(Build(header, 8)).Problem, Does.StartWith("header is not valid JSON"));
    }

    [Test]
    public void Open_HeaderNotAnObject_Throws()
    {
        Assert.That(OpenFails(Build("[1, 2]", 0)).Problem, Does.Contain("does not start with '{'"));
        Assert.That(OpenFails(Build("{", 0, declaredLength: 1)).Problem, Does.Contain("too short"));
        Assert.That(OpenFails(Build("{\"\u00e9\":1}", 0)).Problem, Does.Contain("expected an object"));
        var e = Assert.Throws<SafeTensorsFormatException>(() =>
        {
            var path = Build("{\"x\":{}}", 0);
            var bytes = File.ReadAllBytes(path);
            bytes[10] = 0xFF; // inside the name "x"
            File.WriteAllBytes(path, bytes);
            SafeTensorsFile.Open(path).Dispose();
        })!;
        Assert.That(e.Problem, Is.EqualTo("header is not valid UTF-8"));
    }

    [Test]
    public void Open_OffsetsOutOfRange_Throws()
    {
        var e = OpenFails(Build("{\"a\":{\"dtype\":\"F32\",\"shape\":[100],\"data_offsets\":[0,400]}}", 8));
        Assert.That((e.TensorName, e.Problem), Is.EqualTo(("a", "data_offsets [0, 400] extend past the 8-byte data section (truncated or corrupt file)")));
        Assert.That(OpenFails(Build("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-8,0]}}", 8)).Problem,
            Does.Contain("not a non-negative integer"));
        Assert.That(OpenFails(Build("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,0]}}", 8)).Problem,
            Does.Contain("end before they begin"));
        Assert.That(OpenFails(Build("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8.5]}}", 8)).Problem,
            Does.Contain("8.5"));
        Assert.That(OpenFails(Build("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}", 8)).Problem,
            Does.Contain("expected [begin, end]"));
    }

    [Test]
    public void Open_SizeMismatch_Throws()
    {
        var e = OpenFails(Build("{\"w\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8));
        Assert.That(e.TensorName, Is.EqualTo("w"));
        Assert.That(e.Problem, Does.Contain("span 8 bytes, but shape [3] of BF16 needs 6"));
        Assert.That(OpenFails(Build("{\"w\":{\"dtype\":\"F64\",\"shape\":[2147483647,2147483647,2147483647],\"data_offsets\":[0,8]}}", 8)).Problem,
            Does.Contain("too large"));
    }

    [Test]
    public void Open_UnknownDType_ThrowsNamingTensorAndDType()
    {
        var e = OpenFails(Build("{\"w\":{\"dtype\":\"F33\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8));
        Assert.That((e.TensorName, e.Problem), Is.EqualTo(("w", "unknown dtype \"F33\"")));
        Assert.That(OpenFails(Build("{\"w\":{\"dtype\":\"f32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8)).Problem,
            Does.Contain("unknown dtype \"f32\""), "dtype names are case-sensitive");
    }

    [Test]
    public void Open_OverlappingTensors_Throws()
    {
        var e = OpenFails(Build("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12));
        Assert.That((e.TensorName, e.Problem), Is.EqualTo(("b", "data_offsets [4, 12] overlap tensor \"a\", which ends at 8")));
    }

    [Test]
    public void Open_GapOrTrailingBytes_Throws()
    {
        Assert.That(OpenFails(Build("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                                    + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 12)).Problem,
            Does.Contain("gap of 4 bytes"));
        Assert.That(OpenFails(Build(Good, 12)).Problem, Does.Contain("cover 8 bytes but the data section holds 12"));
    }

    [Test]
    public void Open_DuplicateName_Throws()
    {
        var e = OpenFails(Build("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8));
        Assert.That((e.TensorName, e.Problem), Is.EqualTo(("a", "name appears more than once in the header")));
    }

    [Test]
    public void Open_MalformedEntries_Throw()
    {
        Assert.That(OpenFails(Build("{\"a\":{\"shape\":[2],\"data_offsets\":[0,8]}}", 8)).Problem, Does.Contain("missing field \"dtype\""));
        Assert.That(OpenFails(Build("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", 8)).Problem, Does.Contain("missing field \"shape\""));
        Assert.That(OpenFails(Build("{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", 8)).Problem, Does.Contain("missing field \"data_offsets\""));
        Assert.That(OpenFails(Build("{\"a\":{\"dtype\":\"F32\",\"shape\":2,\"data_offsets\":[0,8]}}", 8)).Problem, Does.Contain("field \"shape\""));
        Assert.That(OpenFails(Build("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8)).Problem, Does.Contain("shape dimension 0 is -2"));
        Assert.That(OpenFails(Build("{\"a\":[1]}", 8)).Problem, Does.Contain("expected an object"));
        Assert.That(OpenFails(Build("{\"__metadata__\":{\"k\":1}}", 0)).Problem, Does.Contain("\"k\" is a JSON Number"));
        Assert.That(OpenFails(Build("{\"__metadata__\":[\"k\"]}", 0)).Problem, Does.Contain("expected an object of strings"));
    }

    [Test]
    public void Open_EveryTruncationOfAValidFile_Throws()
    {
        var bytes = File.ReadAllBytes(Path.Combine(FixtureDir, "canonical.safetensors"));
        var path = Path.Combine(_dir, "cut.safetensors");
        for (int length = 0; length < bytes.Length; length++)
        {
            File.WriteAllBytes(path, bytes[..length]);
            Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsFile.Open(path).Dispose(), $"truncated to {length} bytes");
        }
    }

    [Test]
    public void Header_AnyHeaderByteChanged_ThrowsFormatErrorOrStaysConsistent()
    {
        // Corrupting one header byte must either be caught as a format error or leave a header that still
        // describes the data exactly (e.g. a changed character inside a name); no other exception may escape.
        // Parsed from memory (the same parser Open uses) to keep ~2000 cases fast.
        var bytes = File.ReadAllBytes(Path.Combine(FixtureDir, "canonical.safetensors"));
        long headerEnd = 8 + BitConverter.ToInt64(bytes, 0);
        int rejected = 0, cases = 0;
        for (int i = 0; i < headerEnd; i++)
        {
            foreach (byte replacement in new byte[] { (byte)'0', (byte)'9', (byte)'"', (byte)'}', 0xFF })
            {
                if (bytes[i] == replacement) continue;
                var corrupt = (byte[])bytes.Clone();
                corrupt[i] = replacement;
                cases++;
                try
                {
                    var header = SafeTensorsHeader.Read("mem", corrupt.Length, (offset, span) => corrupt.AsSpan((int)offset, span.Length).CopyTo(span));
                    Assert.That(header.Tensors.Sum(t => t.ByteLength), Is.EqualTo(corrupt.Length - header.DataStart), $"byte {i} → {replacement}");
                    Assert.That(header.Tensors.All(t => t.ByteLength == t.ElementCount * 4), $"byte {i} → {replacement}");
                }
                catch (SafeTensorsFormatException)
                {
                    rejected++;
                }
            }
        }
        Assert.That(rejected, Is.GreaterThan(cases * 3 / 4), "most single-byte corruptions of the header must be detected");
    }
}
