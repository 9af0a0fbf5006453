using Rebel.Models.Data;

namespace Rebel.Models.Tests.Data;

public class ColumnMappingTests
{
    [Test]
    public void Parse_RenamesNamedFields_AndKeepsTheOthers()
    {
        var m = ColumnMapping.Parse("prompt=question, chosen=good,rejected=bad");
        Assert.That((m.Prompt, m.Chosen, m.Rejected, m.Completion, m.P), Is.EqualTo(("question", "good", "bad", "completion", "p")));
        Assert.That(m.ToString(), Is.EqualTo("prompt=question,chosen=good,rejected=bad"));
        Assert.That(ColumnMapping.Parse(m.ToString()), Is.EqualTo(m));
        Assert.That(ColumnMapping.Parse(""), Is.EqualTo(ColumnMapping.Default));
        Assert.That(ColumnMapping.Default.IsDefault && !m.IsDefault, Is.True);
    }

    [TestCase("question", "is not FIELD=COLUMN")]
    [TestCase("answer=x", "unknown field \"answer\"")]
    [TestCase("prompt=x,prompt=y", "field \"prompt\" is named twice")]
    [TestCase("prompt=", "the column for \"prompt\" is blank")]
    [TestCase("prompt=chosen", "\"prompt\" and \"chosen\" both read column \"chosen\"")]
    public void Parse_Bad_Throws(string text, string problem)
    {
        var e = Assert.Throws<ArgumentException>(() => ColumnMapping.Parse(text))!;
        Assert.That(e.Message, Does.Contain(problem));
    }

    [Test]
    public void Validate_RecordBuiltWithWith_ChecksDuplicates() =>
        Assert.Throws<ArgumentException>(() => (ColumnMapping.Default with { A = "b" }).Validate());

    [Test]
    public void PromptFile_ReadsTheMappedColumn_AndNamesItInErrors()
    {
        var dir = Directory.CreateTempSubdirectory("rebel-map-").FullName;
        try
        {
            var path = Path.Combine(dir, "q.jsonl");
            File.WriteAllText(path, "{\"question\": \"Why?\"}\n{\"prompt\": \"ignored\"}\n");
            var columns = ColumnMapping.Parse("prompt=question");
            var e = Assert.Throws<DataFormatException>(() => PromptFile.Read(path, columns))!;
            Assert.That(e.Message, Is.EqualTo($"{path}:2: missing field \"question\""));
            File.WriteAllText(path, "{\"question\": \"Why?\"}\n");
            Assert.That(PromptFile.Read(path, columns).Single().Text, Is.EqualTo("Why?"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
