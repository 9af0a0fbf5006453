using System.Xml.Linq;
using Rebel.SelfPlay.Games;
using Rebel.Benchmarks.Games;

namespace Rebel.Benchmarks.Tests.Games;

public class GameBenchmarkTests
{
    private static readonly GameBenchmarkOptions Tiny = new()
    {
        Games = ["weighted-rps", "random-5"],
        Algorithms = ["rebel", "rebel-optimistic"],
        ExactIterations = 400,
        SampledIterations = 200,
        Samples = 20,
    };

    [Test]
    public void Run_TinyGrid_OneCellPerAlgorithmGameAndMode_WithTheRunsFigures()
    {
        var result = GameBenchmark.Run(Tiny);
        Assert.That(result.Cells, Has.Count.EqualTo(2 * 2 * 2));
        Assert.That(result.Games, Is.EqualTo(new[] { "weighted-rps", "random-5" }));
        foreach (var cell in result.Cells)
        {
            Assert.That(cell.Exploitability, Is.InRange(0.0, 0.5));
            Assert.That(cell.AverageExploitability, Is.InRange(0.0, 0.5));
            Assert.That(cell.History[^1].Iteration, Is.EqualTo(cell.Mode == GameMode.Exact ? 400 : 200));
            Assert.That(cell.History[^1].Exploitability, Is.EqualTo(cell.Exploitability), "one seed: the cell is that run");
        }

        // The cell is exactly what GameSelfPlay gives for the algorithm's default setting of that mode.
        var info = Rebel.SelfPlay.Games.Algorithms.GameAlgorithms.Find("rebel-optimistic");
        var direct = GameSelfPlay.Run(BuiltinGames.WeightedRockPaperScissors(), info.Create(info.ExactDefaults), new GameRunOptions { Iterations = 400 });
        Assert.That(result.Cell("rebel-optimistic", "weighted-rps", GameMode.Exact).Exploitability, Is.EqualTo(direct.Exploitability));
        Assert.That(result.Cell("rebel-optimistic", "weighted-rps", GameMode.Exact).Exploitability, Is.LessThan(1e-3));
        Assert.That(result.Cell("rebel", "weighted-rps", GameMode.Exact).Exploitability, Is.GreaterThan(1e-2), "plain REBEL cycles");
        Assert.That(() => result.Cell("sppo", "weighted-rps", GameMode.Exact), Throws.TypeOf<KeyNotFoundException>());
    }

    [Test]
    public void Run_SeveralSeeds_ReportsTheWorstAndPlaysOneRandomMatrixPerSeed()
    {
        var options = Tiny with { Games = ["random-5"], Algorithms = ["rebel-prox"], Modes = [GameMode.Exact], Seeds = 3 };
        var cell = GameBenchmark.Run(options).Cells.Single();
        var info = Rebel.SelfPlay.Games.Algorithms.GameAlgorithms.Find("rebel-prox");
        var worst = Enumerable.Range(0, 3).Max(s => GameSelfPlay.Run(BuiltinGames.Random(5, s), info.Create(info.ExactDefaults),
            new GameRunOptions { Iterations = 400, Seed = s }).Exploitability);
        Assert.That(cell.Exploitability, Is.EqualTo(worst));
        Assert.That(cell.Game, Is.EqualTo("random-5"));
        Assert.That(GameBenchmark.GameForSeed("random-5", 2).Name, Is.EqualTo("random-5-seed-2"));
        Assert.That(GameBenchmark.GameForSeed("condorcet", 2).Name, Is.EqualTo("condorcet"));
    }

    [Test]
    public void Run_SettingSampled_UsesTheSampledDefaultsInExactMode()
    {
        var options = Tiny with { Games = ["weighted-rps"], Algorithms = ["rebel"], Modes = [GameMode.Exact], Setting = DefaultSetting.Sampled };
        var info = Rebel.SelfPlay.Games.Algorithms.GameAlgorithms.Find("rebel");
        Assert.That(options.AlgorithmOptions(info, GameMode.Exact), Is.EqualTo(info.SampledDefaults));
        var direct = GameSelfPlay.Run(BuiltinGames.WeightedRockPaperScissors(), info.Create(info.SampledDefaults), new GameRunOptions { Iterations = 400 });
        Assert.That(GameBenchmark.Run(options).Cells.Single().Exploitability, Is.EqualTo(direct.Exploitability));
    }

    [Test]
    public void IterationsToThreshold_IsTheStartOfTheFinalRunBelow()
    {
        GameLogEntry E(int t, double e) => new(t, e, e);
        Assert.That(GameBenchmark.IterationsToThreshold([E(0, 0.3), E(10, 1e-4), E(20, 0.2), E(30, 1e-4), E(40, 1e-3)], 1e-3), Is.EqualTo(30));
        Assert.That(GameBenchmark.IterationsToThreshold([E(0, 1e-4), E(10, 1e-5)], 1e-3), Is.EqualTo(0));
        Assert.That(GameBenchmark.IterationsToThreshold([E(0, 1e-4), E(10, 0.1)], 1e-3), Is.Null);
        Assert.That(GameBenchmark.IterationsToThreshold([], 1e-3), Is.Null);
    }

    [Test]
    public void Report_MarkdownTablesAndOnePlotPerGameAndMode()
    {
        var result = GameBenchmark.Run(Tiny);
        var md = GameBenchmarkReport.Markdown(result);
        Assert.That(md, Does.Contain("| algorithm | weighted-rps | random-5 |"));
        Assert.That(md, Does.Contain("**Exact mode, T = 400: last-iterate / average-iterate exploitability at T**"));
        Assert.That(md, Does.Contain("**Sampled mode, T = 200, S = 20 pairs per iteration: iterations until the last iterate stays ≤ 2.0e-2**"));
        var cell = result.Cell("rebel-optimistic", "random-5", GameMode.Exact);
        Assert.That(md, Does.Contain($"{GameBenchmarkReport.Format(cell.Exploitability)} / {GameBenchmarkReport.Format(cell.AverageExploitability)}"));
        Assert.That(md.Split('\n').Count(l => l.StartsWith("| rebel-optimistic |")), Is.EqualTo(4));

        var svg = XDocument.Parse(GameBenchmarkReport.Plot(result, "weighted-rps", GameMode.Sampled));
        XNamespace ns = "http://www.w3.org/2000/svg";
        var lines = svg.Descendants(ns + "polyline").ToList();
        Assert.That(lines.Count(l => l.Attribute("stroke-dasharray") is null), Is.EqualTo(2), "a solid last-iterate line per algorithm");
        Assert.That(lines.Count(l => l.Attribute("stroke-dasharray") is not null), Is.EqualTo(2), "a dashed average line per algorithm");
        Assert.That(svg.Descendants(ns + "text").Select(t => t.Value), Does.Contain("rebel-optimistic, average"));

        var directory = Directory.CreateTempSubdirectory("rebel-game-plots-").FullName;
        try
        {
            var paths = GameBenchmarkReport.WritePlots(result, directory);
            Assert.That(paths.Select(Path.GetFileName), Is.EquivalentTo(new[]
                { "weighted-rps-exact.svg", "random-5-exact.svg", "weighted-rps-sampled.svg", "random-5-sampled.svg" }));
            Assert.That(paths.All(File.Exists));
        }
        finally { Directory.Delete(directory, recursive: true); }
    }

    [Test]
    public void Options_Invalid_ThrowNamingTheOption()
    {
        Assert.That(() => GameBenchmark.Run(Tiny with { Games = [] }), Throws.ArgumentException.With.Message.Contains("--games needs at least one"));
        Assert.That(() => GameBenchmark.Run(Tiny with { Algorithms = ["rebel", "rebel"] }), Throws.ArgumentException.With.Message.Contains("\"rebel\" twice"));
        Assert.That(() => GameBenchmark.Run(Tiny with { Algorithms = ["ppo"] }), Throws.ArgumentException.With.Message.Contains("Unknown algorithm \"ppo\""));
        Assert.That(() => GameBenchmark.Run(Tiny with { Seeds = 0 }), Throws.ArgumentException.With.Message.Contains("--seeds"));
        Assert.That(() => GameBenchmark.Run(Tiny with { ExactThreshold = double.NaN }), Throws.ArgumentException.With.Message.Contains("--threshold"));
        Assert.That(() => GameBenchmark.Run(Tiny with { Games = ["no-such-game"] }), Throws.ArgumentException.With.Message.Contains("no-such-game"));
        Assert.That(() => GameBenchmark.Run(Tiny with { Games = ["random-5", "random-5-seed-0"] }),
            Throws.ArgumentException.With.Message.Contains("\"random-5\" twice"));
    }

    [Test]
    public void ExploitabilityChart_ZerosDrawnAtTheFloor_MismatchThrows()
    {
        var history = new[] { new GameLogEntry(0, 0.3, 0.3), new GameLogEntry(10, 0, 1e-3) };
        var svg = ExploitabilityChart.Render("t", ["a"], [history]);
        Assert.That(svg, Does.Contain("1e-10"));
        Assert.That(XDocument.Parse(svg).Descendants().Count(e => e.Name.LocalName == "polyline"), Is.EqualTo(2));
        Assert.That(() => ExploitabilityChart.Render("t", ["a", "b"], [history]), Throws.ArgumentException);
    }
}
