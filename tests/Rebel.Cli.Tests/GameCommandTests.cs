using System.CommandLine;
using System.Text.Json;

namespace Rebel.Cli.Tests;

public class GameCommandTests
{
    private string _directory = "";

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("rebel-game-cli-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    private static (int Code, string Output, string Error) Invoke(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = Program.BuildRoot().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    [Test]
    public void Game_Builtin_Exact_WritesTheContract()
    {
        var path = Path.Combine(_directory, "out.json");
        var (code, output, error) = Invoke("game", "--game", "weighted-rps", "--algorithm", "rebel-optimistic",
            "--iterations", "500", "--output", path);
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(output, Does.Contain("rebel-optimistic on weighted-rps"));
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        var policy = root.GetProperty("policy").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.That(policy, Is.EqualTo(new[] { 1 / 7.0, 4 / 7.0, 2 / 7.0 }).Within(1e-3));
        Assert.That(root.GetProperty("average_policy").GetArrayLength(), Is.EqualTo(3));
        Assert.That(root.GetProperty("exploitability").GetDouble(), Is.LessThan(1e-3));
        Assert.That(root.GetProperty("history").GetArrayLength(), Is.GreaterThan(100));
        Assert.That(root.GetProperty("minimax_policy").EnumerateArray().Select(e => e.GetDouble()),
            Is.EqualTo(new[] { 1 / 7.0, 4 / 7.0, 2 / 7.0 }).Within(1e-9));
        Assert.That(root.GetProperty("mode").GetString(), Is.EqualTo("exact"));
    }

    [Test]
    public void Game_File_Sampled_WithOverrides()
    {
        var game = Path.Combine(_directory, "coin.json");
        File.WriteAllText(game, """{"name": "biased", "actions": ["x", "y"], "preference": [[0.5, 0.8], [0.2, 0.5]]}""");
        var path = Path.Combine(_directory, "out.json");
        var run = Path.Combine(_directory, "trainer-run");
        var (code, _, error) = Invoke("game", "--game", game, "--algorithm", "rebel-prox", "--iterations", "300",
            "--samples", "20", "--seed", "4", "--eta", "0.3", "--beta", "0.05", "--epochs", "2", "--lr", "0.02",
            "--run-dir", run, "--output", path);
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(File.ReadLines(Path.Combine(run, "metrics.jsonl")).Count(), Is.EqualTo(300), "the trainer's run is kept");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        Assert.That(root.GetProperty("game").GetString(), Is.EqualTo("biased"));
        Assert.That(root.GetProperty("samples").GetInt32(), Is.EqualTo(20));
        Assert.That(root.GetProperty("options").GetProperty("eta").GetDouble(), Is.EqualTo(0.3));
        Assert.That(root.GetProperty("options").GetProperty("beta").GetDouble(), Is.EqualTo(0.05));
        Assert.That(root.GetProperty("options").GetProperty("epochs").GetInt32(), Is.EqualTo(2));
        Assert.That(root.GetProperty("options").GetProperty("learning_rate").GetDouble(), Is.EqualTo(0.02));
        Assert.That(root.GetProperty("policy")[0].GetDouble(), Is.GreaterThan(0.9)); // x beats y: the dominant action wins
    }

    [Test]
    public void Game_Plot_WritesAnSvgWithLastAndAverageLines()
    {
        var path = Path.Combine(_directory, "out.json");
        var svg = Path.Combine(_directory, "run.svg");
        var (code, _, error) = Invoke("game", "--game", "rock-paper-scissors", "--algorithm", "rebel", "--iterations", "200",
            "--output", path, "--plot", svg);
        Assert.That(code, Is.EqualTo(0), error);
        var doc = System.Xml.Linq.XDocument.Parse(File.ReadAllText(svg));
        var lines = doc.Descendants().Where(e => e.Name.LocalName == "polyline").ToList();
        Assert.That(lines, Has.Count.EqualTo(2));
        Assert.That(lines[1].Attribute("stroke-dasharray"), Is.Not.Null, "the average iterate is dashed");
        Assert.That(doc.Descendants().Where(e => e.Name.LocalName == "text").Select(t => t.Value),
            Does.Contain("rebel on rock-paper-scissors, exact").And.Contain("rebel, last"));
    }

    [Test]
    public void Game_UnknownAlgorithm_FailsWithTheKnownNames()
    {
        var (code, _, error) = Invoke("game", "--game", "condorcet", "--algorithm", "ppo", "--output", Path.Combine(_directory, "o.json"));
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("Unknown algorithm \"ppo\"").And.Contain("rebel-optimistic"));
    }

    [Test]
    public void Game_OldOnlineIpoName_RunsIpo_AndSaysSoOnStderr()
    {
        string[] Args(string algorithm, string output) =>
            ["game", "--game", "weighted-rps", "--algorithm", algorithm, "--iterations", "200", "--samples", "10", "--output", output];
        var renamed = Path.Combine(_directory, "ipo.json");
        var old = Path.Combine(_directory, "online-ipo.json");
        var current = Invoke(Args("ipo", renamed));
        var deprecated = Invoke(Args("online-ipo", old));
        Assert.That(current.Code, Is.EqualTo(0), current.Error);
        Assert.That(deprecated.Code, Is.EqualTo(0), deprecated.Error);
        Assert.That(current.Error, Is.Empty);
        Assert.That(deprecated.Error, Does.Contain("online-ipo is deprecated").And.Contain("ipo"));
        using var a = JsonDocument.Parse(File.ReadAllText(renamed));
        using var b = JsonDocument.Parse(File.ReadAllText(old));
        Assert.That(b.RootElement.GetProperty("algorithm").GetString(), Is.EqualTo("ipo"));
        Assert.That(b.RootElement.GetProperty("policy").EnumerateArray().Select(e => e.GetDouble()),
            Is.EqualTo(a.RootElement.GetProperty("policy").EnumerateArray().Select(e => e.GetDouble())));
    }

    [Test]
    public void Game_BadFile_FailsNamingTheFile()
    {
        var game = Path.Combine(_directory, "bad.json");
        File.WriteAllText(game, """{"name": "bad", "actions": ["x", "y"], "preference": [[0.5, 0.8], [0.8, 0.5]]}""");
        var (code, _, error) = Invoke("game", "--game", game, "--algorithm", "rebel", "--output", Path.Combine(_directory, "o.json"));
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain(game).And.Contain("not a preference matrix"));
        Assert.That(File.Exists(Path.Combine(_directory, "o.json")), Is.False);
    }

    [Test]
    public void Game_BadNumbers_Fail()
    {
        var output = Path.Combine(_directory, "o.json");
        Assert.That(Invoke("game", "--game", "condorcet", "--algorithm", "rebel", "--samples", "0", "--output", output).Code, Is.EqualTo(1));
        Assert.That(Invoke("game", "--game", "condorcet", "--algorithm", "rebel", "--eta", "-1", "--output", output).Error, Does.Contain("--eta"));
        Assert.That(Invoke("game", "--game", "nowhere", "--algorithm", "rebel", "--output", output).Error, Does.Contain("neither a game file"));
        Assert.That(Invoke("game", "--algorithm", "rebel", "--output", output).Code, Is.Not.EqualTo(0)); // --game is required
    }

    private double[] NashMdPolicy(string reference, string name)
    {
        var path = Path.Combine(_directory, name);
        var (code, _, error) = Invoke("game", "--game", "rock-paper-scissors", "--algorithm", "nash-md", "--iterations", "300",
            "--beta", "1", "--reference", reference, "--output", path);
        Assert.That(code, Is.EqualTo(0), error);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        Assert.That(doc.RootElement.GetProperty("options").GetProperty("reference").GetString(), Is.EqualTo(reference));
        return doc.RootElement.GetProperty("policy").EnumerateArray().Select(e => e.GetDouble()).ToArray();
    }

    [Test]
    public void Game_Reference_RandomSeedIsReproducible_AndAGivenDistributionIsUsed()
    {
        var random = NashMdPolicy("random:7", "r1.json");
        Assert.That(NashMdPolicy("random:7", "r2.json"), Is.EqualTo(random));
        Assert.That(NashMdPolicy("random:8", "r3.json"), Is.Not.EqualTo(random).Within(1e-6));
        var uniform = NashMdPolicy("uniform", "u.json");
        Assert.That(uniform, Is.EqualTo(new[] { 1 / 3.0, 1 / 3.0, 1 / 3.0 }).Within(1e-3));          // RPS: uniform is the regularized solution
        Assert.That(random, Is.Not.EqualTo(uniform).Within(1e-3));                                  // a random π_ref moves it
        var skewed = NashMdPolicy("0.6,0.3,0.1", "s.json");
        Assert.That(skewed[0], Is.GreaterThan(1 / 3.0 + 0.01), "the regularized solution leans toward π_ref");

        var output = Path.Combine(_directory, "bad.json");
        Assert.That(Invoke("game", "--game", "rock-paper-scissors", "--algorithm", "nash-md", "--reference", "0.5,0.5", "--output", output).Error,
            Does.Contain("2 probabilities").And.Contain("3 actions"));
        Assert.That(Invoke("game", "--game", "rock-paper-scissors", "--algorithm", "nash-md", "--reference", "random:x", "--output", output).Error,
            Does.Contain("random:"));
        Assert.That(Invoke("game", "--game", "rock-paper-scissors", "--algorithm", "nash-md", "--reference", "0.5,0.6,-0.1", "--output", output).Code,
            Is.EqualTo(1));
    }
}
