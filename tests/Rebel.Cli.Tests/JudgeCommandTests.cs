using System.CommandLine;
using System.Text.Json;

namespace Rebel.Cli.Tests;

public class JudgeCommandTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "rebel-judge-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private (int Code, string Error) Run(params string[] args)
    {
        var error = new StringWriter();
        int code = Program.BuildRoot().Parse(args).Invoke(new InvocationConfiguration { Output = new StringWriter(), Error = error });
        return (code, error.ToString());
    }

    [Test]
    public void Judge_VoteSpec_RepeatsEachLineAndAddsP()
    {
        var input = Path.Combine(_dir, "pairs.jsonl");
        var output = Path.Combine(_dir, "out", "verdicts.jsonl");
        File.WriteAllLines(input,
        [
            """{"prompt": "Describe the river forest mountain", "a": "the cat sat on a warm mat by the door", "b": "river forest mountain describe river forest river forest", "id": 7}""",
            "",
            """{"prompt": "Describe the river forest mountain", "a": "river forest mountain describe river forest river forest", "b": "river and forest are green"}""",
            """{"prompt": "Describe the river forest mountain", "a": "river and forest are green", "b": "the cat sat on a warm mat by the door", "p": 0.1}""",
        ]);

        var (code, error) = Run("judge", "--judge", "vote(length(10), keywords, diversity)", "--input", input, "--output", output, "--batch-size", "2");

        Assert.That(code, Is.Zero, error);
        Assert.That(error, Does.Contain("judged 3 pairs"));
        var lines = File.ReadAllLines(output).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.That(lines, Has.Length.EqualTo(3));
        Assert.That(lines.Select(l => l.GetProperty("p").GetDouble()), Is.EqualTo(new[] { 1.0, 1.0, 1.0 }), "the Condorcet cycle a ≻ b ≻ c ≻ a");
        Assert.That(lines[0].GetProperty("id").GetInt32(), Is.EqualTo(7), "other fields are repeated");
        Assert.That(lines[1].GetProperty("b").GetString(), Is.EqualTo("river and forest are green"));
        Assert.That(File.Exists(output + ".tmp"), Is.False);
    }

    [Test]
    public void Judge_MissingField_NamesFileAndLine_AndWritesNothing()
    {
        var input = Path.Combine(_dir, "bad.jsonl");
        var output = Path.Combine(_dir, "out.jsonl");
        File.WriteAllLines(input, ["""{"prompt": "x", "a": "y", "b": "z"}""", """{"prompt": "x", "a": "y"}"""]);
        var (code, error) = Run("judge", "--judge", "length", "--input", input, "--output", output);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("bad.jsonl:2").And.Contain("\"b\""));
        Assert.That(File.Exists(output), Is.False);
    }

    [Test]
    public void Judge_BadSpec_ListsValidForms()
    {
        var input = Path.Combine(_dir, "pairs.jsonl");
        File.WriteAllLines(input, ["""{"prompt": "x", "a": "y", "b": "z"}"""]);
        var (code, error) = Run("judge", "--judge", "vote(length,", "--input", input, "--output", Path.Combine(_dir, "o.jsonl"));
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("bad judge spec").And.Contain("cache(FILE,SPEC)"));
    }

    [Test]
    public void Judge_FailingJudge_NamesTheInputLine()
    {
        var input = Path.Combine(_dir, "pairs.jsonl");
        File.WriteAllLines(input, ["""{"prompt": "x", "a": "y", "b": "z"}""", """{"prompt": "second", "a": "y", "b": "z"}"""]);
        var script = Path.Combine(_dir, "judge.sh");
        // A child that answers the first batch and then prints a non-probability for the second.
        File.WriteAllText(script, """
            read line; echo '{"id": 1, "p": [0.5]}'
            read line; echo '{"id": 2, "p": [2]}'
            """);
        var (code, error) = Run("judge", "--judge", $"process:sh {script}", "--input", input, "--output", Path.Combine(_dir, "o.jsonl"), "--batch-size", "1");
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("pairs.jsonl:2").And.Contain("second").And.Contain("not a probability"));
    }
}
