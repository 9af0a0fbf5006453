using System.CommandLine;
using System.Text.Json;

namespace Rebel.Cli.Tests;

public class TournamentCommandTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "rebel-tournament-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Program.BuildRoot().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    private string Players(string name, Func<int, string> answer, int prompts)
    {
        var path = Path.Combine(_dir, name + ".jsonl");
        File.WriteAllLines(path, Enumerable.Range(0, prompts).Select(k => JsonSerializer.Serialize(new { prompt = $"Describe the river forest {k}", completion = answer(k) })));
        return path;
    }

    private string Prompts(int count)
    {
        var path = Path.Combine(_dir, "prompts.jsonl");
        File.WriteAllLines(path, Enumerable.Range(0, count).Select(k => JsonSerializer.Serialize(new { prompt = $"Describe the river forest {k}" })));
        return path;
    }

    [Test]
    public void Tournament_LengthJudge_WritesContractJsonReportAndPlots()
    {
        var players = string.Join(",", Players("short", _ => "river", 4), Players("medium", _ => "river forest mountain lake", 4),
            Players("target", _ => "the river runs through the green forest past the old mill", 4));
        var output = Path.Combine(_dir, "out");

        var (code, stdout, error) = Run("tournament", "--players", players, "--prompts", Prompts(4), "--judge", "length(10)", "--out", output, "--samples", "2", "--seed", "3");

        Assert.That(code, Is.Zero, error);
        Assert.That(error, Does.Contain("24 games"));
        Assert.That(stdout, Does.StartWith("target"));
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "tournament.json")));
        var root = doc.RootElement;
        Assert.That(root.GetProperty("players").EnumerateArray().Select(p => p.GetString()), Is.EqualTo(new[] { "short", "medium", "target" }));
        Assert.That(root.GetProperty("win_rates")[2][0].GetDouble(), Is.EqualTo(1.0));
        Assert.That(root.GetProperty("lottery")[2].GetDouble(), Is.EqualTo(1.0).Within(1e-9));
        Assert.That(root.GetProperty("ratings").GetArrayLength(), Is.EqualTo(3));
        Assert.That(root.GetProperty("condorcet_winner").GetString(), Is.EqualTo("target"));
        Assert.That(File.ReadAllText(Path.Combine(output, "report.md")), Does.Contain("| target |"));

        var again = Run("tournament", "--players", players, "--prompts", Prompts(4), "--judge", "length(10)", "--out", output, "--samples", "2", "--seed", "3");
        Assert.That(again.Code, Is.Zero);
        Assert.That(again.Error, Does.Contain("0 judged now").And.Contain("24 resumed"));
    }

    [Test]
    public void Tournament_MissingPlayerOrPrompt_ClearErrorExitOne()
    {
        var prompts = Prompts(3);
        var good = Players("good", _ => "river", 3);
        var (code, _, error) = Run("tournament", "--players", good + "," + Path.Combine(_dir, "absent.jsonl"), "--prompts", prompts, "--judge", "length", "--out", Path.Combine(_dir, "o1"));
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("absent.jsonl").And.Contain("no such file"));

        var partial = Players("partial", _ => "forest", 2);
        (code, _, error) = Run("tournament", "--players", good + "," + partial, "--prompts", prompts, "--judge", "length", "--out", Path.Combine(_dir, "o2"));
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("player partial").And.Contain("prompt 2"));
    }
}
