using Rebel.Preference.Statistics;
using Rebel.Preference.Tournaments;
using Rebel.SelfPlay.Pipeline;
using Rebel.SelfPlay.Tournaments;
using Rebel.SelfPlay.Training;

namespace Rebel.SelfPlay.Tests.Reporting;

/// <summary>
/// The tournament's and the run's reports, byte for byte: a fixed four-player tournament (a 3-cycle among three
/// players, all beating the reference) and a fixed run summary are rendered and compared with the files in
/// <c>fixtures/reports/</c>. Those files were written by the report code as it stood before its expressions were split
/// into named steps, so a layout refactoring that changes one byte fails here. The inputs carry no randomness: the
/// analysis is computed without a bootstrap and its intervals are set by hand.
/// </summary>
/// <remarks>When the output is meant to change, set <c>REBEL_WRITE_EXPECTED_REPORTS</c> to a folder: the test writes the
/// files it rendered there, to review and copy over the fixtures.</remarks>
public class ReportLayoutTests
{
    private static readonly string[] Players = ["reference", "iter-2", "final", "baseline"];

    private static readonly string[] TournamentFiles = ["tournament.json", "report.md", "win_rates.svg", "ratings.svg", "lottery.svg"];

    private static readonly string[] RunFiles = ["report.md", "loss.svg", "win_rate.svg"];

    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "rebel-report-layout-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void TournamentReport_Write_MatchesTheExpectedFiles()
    {
        var tournamentDir = Path.Combine(_dir, "tournament");
        TournamentReport.Write(FixedTournament(), tournamentDir);
        AssertSameFiles(tournamentDir, "tournament", TournamentFiles);
    }

    [Test]
    public void RunReport_Write_MatchesTheExpectedFiles()
    {
        var runDir = Path.Combine(_dir, "run");
        var baselineDir = Path.Combine(runDir, "baseline");
        Directory.CreateDirectory(baselineDir);
        var tournament = FixedTournament();
        string[] evalPrompts = ["Name a colour.", "Say `yes` | or no.", "Count to three.", "What is 2 + 2?"];
        WriteFirstSamples(Path.Combine(runDir, "tournament"), evalPrompts.Length);
        WriteMetrics(runDir, lossScale: 1.0);
        WriteMetrics(baselineDir, lossScale: 0.5);
        var config = new TrainConfig
        {
            Model = "models/tiny",
            Prompts = "data/prompts.jsonl",
            EvalPrompts = "data/eval.jsonl",
            Judge = "brevity",
            RunDir = runDir,
            Rebel = new RebelOptions { Iterations = 4, PromptsPerIteration = 8, SamplesPerPrompt = 2, Eta = 0.5, Beta = 0.1, Seed = 3 },
        };
        var summary = new TrainSummary(config, evalPrompts, Path.Combine(runDir, "checkpoints", "iter-4"), baselineDir, tournament,
            [("reference", 1.25), ("self-play", 12.5), ("baseline", 3.0), ("tournament", 4.75)], RewardModelAccuracy: 0.8125);

        RunReport.Write(summary);

        AssertSameFiles(runDir, "run", RunFiles);
    }

    /// <summary>
    /// Four players over 5 prompts × 2 samples (10 games a pair): iter-2 ≻ final ≻ baseline ≻ iter-2 by 7–3, 6–4 and
    /// 6–4, and each of them beats the reference 7–3.
    /// </summary>
    private static TournamentResult FixedTournament()
    {
        var wins = new double[,]
        {
            { 0, 3, 3, 3 },
            { 7, 0, 7, 4 },
            { 7, 3, 0, 6 },
            { 7, 6, 4, 0 },
        };
        var analysis = TournamentAnalysis.Compute([new PairwiseResults(wins, Players)], new TournamentAnalysisOptions { Bootstrap = null });
        static ConfidenceInterval Around(double x, double half, double min = double.NegativeInfinity, double max = double.PositiveInfinity) =>
            new(x, Math.Max(min, x - half), Math.Min(max, x + half));
        analysis = analysis with
        {
            WinRateIntervals = analysis.WinRates.Select(row => row.Select(w => Around(w, 0.125, 0, 1)).ToArray()).ToArray(),
            EloIntervals = analysis.Elo.Select(e => Around(e, 40)).ToArray(),
            LotteryIntervals = analysis.Lottery.Weights.Select(w => Around(w, 0.125, 0, 1)).ToArray(),
        };
        var games = new List<(MatchKey Key, double P)>();
        for (int i = 0; i < Players.Length; i++)
            for (int j = i + 1; j < Players.Length; j++)
                for (int k = 0; k < 5; k++)
                    for (int s = 0; s < 2; s++)
                        games.Add((new MatchKey(i, j, k, s), 2 * k + s < wins[i, j] ? 1.0 : 0.0));
        return new TournamentResult(Players, Prompts: 5, Samples: 2, Anchor: null, analysis,
            OnlineElo: [962.5, 1012.25, 1004.0, 1021.25], games, JudgedThisRun: games.Count, JudgeCalls: 3);
    }

    /// <summary>Sample 0 and 1 of every player on each prompt, as the tournament saves its completions.</summary>
    private static void WriteFirstSamples(string tournamentDir, int prompts)
    {
        foreach (var player in Players)
        {
            var path = Tournament.CompletionsPath(tournamentDir, player);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var lines = Enumerable.Range(0, prompts).SelectMany(k => Enumerable.Range(0, 2).Select(s =>
                System.Text.Json.JsonSerializer.Serialize(new { prompt = k, sample = s, completion = $" {player} answers {k}.{s} | `ok` " })));
            File.WriteAllLines(path, lines);
        }
    }

    /// <summary>Four iterations of metrics, with a held-out win rate on iterations 2 and 4.</summary>
    private static void WriteMetrics(string runDir, double lossScale)
    {
        using var log = new MetricsLog(Path.Combine(runDir, "metrics.jsonl"));
        for (int t = 1; t <= 4; t++)
        {
            var row = new List<KeyValuePair<string, double>>
            {
                new("loss/rebel", lossScale * 0.5 / t),
                new("loss/r2", 0.1 * t),
                new("policy/kl_ref", 0.01 * t * t),
                new("policy/win_rate_vs_ref_batch", 0.5 + 0.05 * t * lossScale),
            };
            if (t % 2 == 0) row.Add(new("eval/win_rate_vs_ref", 0.5 + 0.0625 * t * lossScale));
            log.Write(t, row);
        }
    }

    private static void AssertSameFiles(string actualDir, string fixture, IEnumerable<string> files)
    {
        var expectedDir = Path.Combine(TestContext.CurrentContext.TestDirectory, "fixtures", "reports", fixture);
        if (Environment.GetEnvironmentVariable("REBEL_WRITE_EXPECTED_REPORTS") is { Length: > 0 } review)
        {
            Directory.CreateDirectory(Path.Combine(review, fixture));
            foreach (var file in files) File.Copy(Path.Combine(actualDir, file), Path.Combine(review, fixture, file), overwrite: true);
        }
        foreach (var file in files)
            Assert.That(File.ReadAllBytes(Path.Combine(actualDir, file)), Is.EqualTo(File.ReadAllBytes(Path.Combine(expectedDir, file))),
                $"{fixture}/{file} differs from fixtures/reports/{fixture}/{file}");
    }
}
