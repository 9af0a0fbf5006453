using System.CommandLine;
using static Rebel.Benchmarks.Tests.BenchRunner;

namespace Rebel.Benchmarks.Tests;

public class GamesBenchTests
{
    private string _dir = "";

    [SetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("rebel-bench-games-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void BenchGames_TinyGrid_PrintsTablesAndWritesMarkdownAndPlots()
    {
        var markdown = Path.Combine(_dir, "games.md");
        var plots = Path.Combine(_dir, "plots");
        var (code, output, error) = Run("games", "--games", "condorcet,weighted-rps", "--algorithms", "rebel-optimistic,nash-md",
            "--iterations", "300", "--sampled-iterations", "100", "--samples", "10", "--markdown", markdown, "--plots", plots);
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(output, Does.Contain("| algorithm | condorcet | weighted-rps |"));
        Assert.That(output, Does.Contain("Exact mode, T = 300").And.Contain("Sampled mode, T = 100, S = 10"));
        Assert.That(output, Does.Contain("load average"));
        Assert.That(output.Split('\n').Count(l => l.StartsWith("| nash-md |")), Is.EqualTo(4));
        Assert.That(File.ReadAllText(markdown), Is.EqualTo(output));
        Assert.That(Directory.GetFiles(plots, "*.svg").Select(Path.GetFileName), Is.EquivalentTo(new[]
            { "condorcet-exact.svg", "weighted-rps-exact.svg", "condorcet-sampled.svg", "weighted-rps-sampled.svg" }));
        Assert.That(error, Does.Contain("rebel-optimistic"), "one progress line per cell on stderr");
    }

    [Test]
    public void BenchGames_OneModeAndSetting_RunsOnlyThatMode()
    {
        var (code, output, error) = Run("games", "--games", "condorcet", "--algorithms", "rebel", "--modes", "exact",
            "--iterations", "50", "--setting", "sampled");
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(output, Does.Contain("the sampled-mode defaults in every mode"));
        Assert.That(output, Does.Not.Contain("Sampled mode"));
    }

    [TestCase("--modes", "fast", "unknown mode \"fast\"")]
    [TestCase("--setting", "best", "unknown setting \"best\"")]
    [TestCase("--samples", "0", "--samples must be ≥ 1")]
    [TestCase("--games", "nowhere.json", "nowhere.json")]
    public void BenchGames_BadInput_FailsWithAClearMessage(string option, string value, string message)
    {
        var (code, _, error) = Run("games", "--algorithms", "rebel", "--iterations", "10", "--sampled-iterations", "10", option, value);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain(message));
    }
}
