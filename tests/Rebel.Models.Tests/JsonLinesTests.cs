using Rebel.Models.Data;

namespace Rebel.Models.Tests;

public class JsonLinesTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rebel-jsonl-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void Read_SkipsBlankLines_AndNumbersLinesFromOne()
    {
        var path = Path.Combine(_dir, "a.jsonl");
        File.WriteAllText(path, "{\"prompt\":\"x\"}\n\n{\"prompt\":\"y\"}\n");
        var records = JsonLines.Read(path).ToList();
        Assert.That(records.Select(r => r.Line), Is.EqualTo(new[] { 1, 3 }));
        Assert.That(records[1].RequireString(path, "prompt"), Is.EqualTo("y"));
    }

    [Test]
    public void Read_MalformedLine_ThrowsNamingFileAndLine()
    {
        var path = Path.Combine(_dir, "bad.jsonl");
        File.WriteAllText(path, "{\"prompt\":\"x\"}\n{\"prompt\": \n");
        var e = Assert.Throws<DataFormatException>(() => JsonLines.Read(path).ToList())!;
        Assert.That(e.Line, Is.EqualTo(2));
        Assert.That(e.Message, Does.StartWith(path + ":2:"));
    }

    [Test]
    public void RequireString_MissingField_Throws()
    {
        var path = Path.Combine(_dir, "m.jsonl");
        File.WriteAllText(path, "{\"completion\":\"x\"}\n");
        var record = JsonLines.Read(path).Single();
        var e = Assert.Throws<DataFormatException>(() => record.RequireString(path, "prompt"))!;
        Assert.That(e.Message, Does.Contain("missing field \"prompt\""));
    }

    [Test]
    public void WriteAtomic_RoundTrips_AndLeavesNoTemporaryFile()
    {
        var path = Path.Combine(_dir, "out", "o.jsonl");
        JsonLines.WriteAtomic(path, new[] { new { prompt = "p", completion = "c" } });
        Assert.That(JsonLines.Read(path).Single().RequireString(path, "completion"), Is.EqualTo("c"));
        Assert.That(Directory.GetFiles(Path.GetDirectoryName(path)!), Has.Length.EqualTo(1));
    }
}
