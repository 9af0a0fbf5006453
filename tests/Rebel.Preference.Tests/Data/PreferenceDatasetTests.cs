using Rebel.Models.Data;
using Rebel.Preference.Data;

namespace Rebel.Preference.Tests.Data;

public class PreferenceDatasetTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rebel-pref-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private string WriteFile(params string[] lines)
    {
        var path = Path.Combine(_dir, "prefs.jsonl");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Test]
    public void Read_BothShapes_MapToRecords()
    {
        var path = WriteFile(
            """{"prompt":"x","chosen":"good","rejected":"bad","source":"ignored"}""",
            "",
            """{"prompt":"","a":"one","b":"two","p":0.25}""");
        var records = PreferenceDataset.Read(path).ToList();
        Assert.That(records, Has.Count.EqualTo(2));
        Assert.That(records[0], Is.EqualTo(new PreferenceRecord("x", "good", "bad", 1.0)));
        Assert.That(records[1], Is.EqualTo(new PreferenceRecord("", "one", "two", 0.25)));
        Assert.That(records[1].ToComparison(), Is.EqualTo(new Comparison("", "one", "two")));
        Assert.That(records[1].Swapped(), Is.EqualTo(new PreferenceRecord("", "two", "one", 0.75)));
    }

    [TestCase("""{"prompt":"x","chosen":"c"}""", "missing field \"rejected\"")]
    [TestCase("""{"chosen":"c","rejected":"r"}""", "missing field \"prompt\"")]
    [TestCase("""{"prompt":"x","a":"1","b":"2"}""", "missing field \"p\"")]
    [TestCase("""{"prompt":"x","a":"1","p":0.5}""", "missing field \"b\"")]
    [TestCase("""{"prompt":3,"a":"1","b":"2","p":0.5}""", "field \"prompt\" must be a string or a list of messages, found Number")]
    [TestCase("""{"prompt":"x","a":"1","b":"2","p":"0.5"}""", "field \"p\" must be a number, found String")]
    [TestCase("""{"prompt":"x","a":"1","b":"2","p":1.5}""", "field \"p\" = 1.5 is not a probability in [0, 1]")]
    [TestCase("""{"prompt":"x","a":"1","b":"2","p":-0.1}""", "is not a probability")]
    [TestCase("""{"prompt":"x","chosen":"","rejected":"r"}""", "field \"chosen\" is an empty completion")]
    [TestCase("""{"prompt":"x","a":"1","b":"","p":0.5}""", "field \"b\" is an empty completion")]
    [TestCase("""{"prompt":"x","chosen":["m"],"rejected":"r"}""", "field \"chosen\" message 1 must be an object with \"role\" and \"content\", found String")]
    [TestCase("""{"prompt":"x","chosen":{"role":"assistant"},"rejected":"r"}""", "field \"chosen\" must be a string or a list of one assistant message, found Object")]
    [TestCase("""{"chosen":"c","rejected":"r"}""", "an implicit prompt is read only when field \"chosen\" and field \"rejected\" are conversations")]
    [TestCase("""{"prompt":"x","chosen":"c","rejected":"r","p":1}""", "mixes the chosen/rejected shape")]
    [TestCase("""{"prompt":"x","completion":"c"}""", "found neither")]
    [TestCase("""[1,2]""", "expected a JSON object")]
    public void Read_BadLine_ThrowsNamingFileLineAndProblem(string bad, string problem)
    {
        var path = WriteFile("""{"prompt":"x","chosen":"c","rejected":"r"}""", "", bad);
        var e = Assert.Throws<DataFormatException>(() => PreferenceDataset.Read(path).ToList())!;
        Assert.That(e.Path, Is.EqualTo(path));
        Assert.That(e.Line, Is.EqualTo(3));
        Assert.That(e.Message, Does.StartWith(path + ":3:").And.Contain(problem));
    }

    [Test]
    public void Read_MissingFile_ThrowsAtOnce() =>
        Assert.Throws<FileNotFoundException>(() => PreferenceDataset.Read(Path.Combine(_dir, "none.jsonl")));

    [Test]
    public void Read_IsLazy_RecordsBeforeABadLineArrive()
    {
        var path = WriteFile("""{"prompt":"x","chosen":"c","rejected":"r"}""", "not json");
        using var e = PreferenceDataset.Read(path).GetEnumerator();
        Assert.That(e.MoveNext(), Is.True);
        Assert.That(e.Current.A, Is.EqualTo("c"));
        Assert.Throws<DataFormatException>(() => e.MoveNext());
    }

    [Test]
    public void Write_ThenRead_RoundTrips()
    {
        var records = new[]
        {
            new PreferenceRecord("p1", "a \"quoted\"", "b\nline", 0.1),
            new PreferenceRecord("p2", "x", "y", 1.0),
        };
        var path = Path.Combine(_dir, "out", "w.jsonl");
        PreferenceDataset.Write(path, records);
        Assert.That(PreferenceDataset.Read(path), Is.EqualTo(records));
        Assert.That(File.Exists(path + ".tmp"), Is.False);
    }

    [Test]
    public void Record_BadValues_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PreferenceRecord("x", "a", "b", double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PreferenceRecord("x", "a", "b", 1.01));
        Assert.Throws<ArgumentException>(() => new PreferenceRecord("x", "", "b", 0.5));
    }
}
