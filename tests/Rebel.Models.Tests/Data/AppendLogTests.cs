using Rebel.Models.Data;

namespace Rebel.Models.Tests.Data;

public class AppendLogTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rebel-appendlog-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void Open_TornLastLine_IsCutAndTheWholeLinesAreRead()
    {
        var path = Path.Combine(_dir, "verdicts.jsonl");
        File.WriteAllText(path, "{\"prompt\":0,\"p\":0.25}\n{\"prompt\":1,\"p\":0.5}\n{\"prompt\":2,\"p");
        using (var log = AppendLog.Open(path))
        {
            Assert.That(log.Records.Select(r => r.RequireIndex(path, "prompt")), Is.EqualTo(new[] { 0, 1 }));
            Assert.That(log.Records[1].RequireProbability(path, "p"), Is.EqualTo(0.5));
            log.Append(["{\"prompt\":2,\"p\":1}"]);
        }
        Assert.That(File.ReadAllText(path), Is.EqualTo("{\"prompt\":0,\"p\":0.25}\n{\"prompt\":1,\"p\":0.5}\n{\"prompt\":2,\"p\":1}\n"));
        using var reopened = AppendLog.Open(path);
        Assert.That(reopened.Records, Has.Count.EqualTo(3));
    }

    [Test]
    public void Open_BadCompleteLine_ThrowsNamingFileAndLine()
    {
        var path = Path.Combine(_dir, "bad.jsonl");
        File.WriteAllText(path, "{\"prompt\":0}\n[1,2]\n");
        var e = Assert.Throws<DataFormatException>(() => AppendLog.Open(path).Dispose())!;
        Assert.That(e.Message, Does.StartWith(path + ":2:"));
    }

    [TestCase("{\"i\":-1,\"p\":0.5}", "i", "must be a non-negative integer")]
    [TestCase("{\"i\":1.5,\"p\":0.5}", "i", "must be a non-negative integer")]
    [TestCase("{\"i\":1,\"p\":1.5}", "p", "must be a number in [0, 1]")]
    [TestCase("{\"i\":1}", "p", "must be a number in [0, 1]")]
    public void RequireIndexAndProbability_BadField_ThrowNamingFileLineAndField(string line, string field, string message)
    {
        var path = Path.Combine(_dir, "fields.jsonl");
        File.WriteAllText(path, "\n" + line + "\n");
        var record = JsonLines.Read(path).Single();
        var e = Assert.Throws<DataFormatException>(() =>
        {
            if (field == "i") record.RequireIndex(path, field);
            else record.RequireProbability(path, field);
        })!;
        Assert.That(e.Message, Does.StartWith(path + ":2:").And.Contain($"\"{field}\" {message}"));
    }
}
