using System.Text.Json.Nodes;
using Rebel.Judges;
using Rebel.Preference;
using Rebel.SelfPlay.Tournaments;

namespace Rebel.SelfPlay.Tests.Tournaments;

public class TournamentTests
{
    private static readonly TournamentOptions Fast = new() { BootstrapResamples = 50 };

    private static IReadOnlyList<ITournamentPlayer> Load(params string[] paths) => new PlayerResolver(null).Resolve(paths);

    [Test]
    public async Task RunAsync_RockPaperScissors_UniformLotteryEqualRatingsOneCycle()
    {
        using var f = new TournamentFixture();
        var prompts = TournamentFixture.Prompts(6);
        var players = Load(f.CompletionFile("rock", prompts, _ => "rock"), f.CompletionFile("paper", prompts, _ => "paper"),
            f.CompletionFile("scissors", prompts, _ => "scissors"));
        using var judge = new FunctionJudge("rps", TournamentFixture.RockPaperScissors);

        var result = await Tournament.RunAsync(players, prompts, judge, f.Out, Fast with { Samples = 2 });

        var a = result.Analysis;
        Assert.That(a.Lottery.Weights, Is.EqualTo(new[] { 1 / 3.0, 1 / 3.0, 1 / 3.0 }).Within(1e-9));
        Assert.That(a.Elo, Is.EqualTo(new[] { 1000.0, 1000.0, 1000.0 }).Within(1e-6));
        Assert.That(a.WinRates[1][0], Is.EqualTo(1.0), "paper beats rock");
        Assert.That(a.Condorcet.Winner, Is.Null);
        Assert.That(a.Condorcet.CycleCount, Is.EqualTo(1));
        Assert.That(result.Games, Has.Count.EqualTo(3 * 6 * 2));
    }

    [Test]
    public async Task RunAsync_CondorcetWinner_PureLotteryAndHighestRating()
    {
        using var f = new TournamentFixture();
        var prompts = TournamentFixture.Prompts(5);
        // level L beats level L' when L > L', except that on prompt 0 the two weakest players swap (not a majority)
        var paths = Enumerable.Range(0, 4).Select(l => f.CompletionFile($"level{l}", prompts, k => $"{l}")).ToArray();
        using var judge = new FunctionJudge("levels", c =>
            c.Prompt == "prompt 0" && (c.A, c.B) is ("0", "1") or ("1", "0") ? (c.A == "0" ? 1.0 : 0.0) : Verdict.FromScores(int.Parse(c.A), int.Parse(c.B)).P);

        var result = await Tournament.RunAsync(Load(paths), prompts, judge, f.Out, Fast);

        var a = result.Analysis;
        Assert.That(a.Condorcet.Winner, Is.EqualTo(3));
        Assert.That(a.Lottery.Weights, Is.EqualTo(new[] { 0.0, 0.0, 0.0, 1.0 }).Within(1e-9));
        Assert.That(a.Elo.ToList().IndexOf(a.Elo.Max()), Is.EqualTo(3));
        Assert.That(a.WinRates[1][0], Is.EqualTo(0.8).Within(1e-12), "level1 wins 4 of 5 prompts against level0");
    }

    [Test]
    public async Task RunAsync_Anchor_PlaysOnlyAgainstAnchorAndPinsItsRating()
    {
        using var f = new TournamentFixture();
        var prompts = TournamentFixture.Prompts(4);
        var paths = Enumerable.Range(0, 4).Select(l => f.CompletionFile($"p{l}", prompts, k => $"{(l + k) % 5}")).ToArray();
        var counting = new CountingJudge(c => Verdict.FromScores(int.Parse(c.A), int.Parse(c.B)).P);
        using var judge = counting.Judge;

        var result = await Tournament.RunAsync(Load(paths), prompts, judge, f.Out, Fast with { Anchor = "p2" });

        Assert.That(result.Games.All(g => g.Key.First == 2 || g.Key.Second == 2));
        Assert.That(result.Games, Has.Count.EqualTo(3 * 4));
        Assert.That(result.Analysis.Elo[2], Is.EqualTo(1000.0).Within(1e-9));
        Assert.That(double.IsNaN(result.Analysis.WinRates[0][1]), "p0 and p1 never played");
        Assert.ThrowsAsync<TournamentException>(() => Tournament.RunAsync(Load(paths), prompts, judge, Path.Combine(f.Directory, "o2"),
            Fast with { Anchor = "nobody" }), "an anchor that is not a player");
    }

    [Test]
    public async Task RunAsync_CancelledMidway_ResumesToTheSameResultsWithoutJudgingAnyGameTwice()
    {
        using var f = new TournamentFixture();
        var prompts = TournamentFixture.Prompts(12);
        var paths = Enumerable.Range(0, 4).Select(l => f.CompletionFile($"p{l}", prompts, 2, (k, s) => $"p{l} k{k} s{s} {(l * 7 + k * 3 + s * 5) % 11}")).ToArray();
        static double Judge(Comparison c) => Verdict.FromScores(int.Parse(c.A.Split(' ')[3]), int.Parse(c.B.Split(' ')[3])).P;
        var options = Fast with { Samples = 2, BatchSize = 5, Concurrency = 2 };

        var reference = new CountingJudge(Judge);
        var uninterrupted = await Tournament.RunAsync(Load(paths), prompts, reference.Judge, Path.Combine(f.Directory, "whole"), options);
        TournamentReport.Write(uninterrupted, Path.Combine(f.Directory, "whole"));

        using var cancel = new CancellationTokenSource();
        var first = new CountingJudge(Judge, call => { if (call == 4) cancel.Cancel(); });
        Assert.CatchAsync<OperationCanceledException>(() => Tournament.RunAsync(Load(paths), prompts, first.Judge, f.Out, options, cancel.Token));
        int saved = File.ReadAllLines(Path.Combine(f.Out, "verdicts.jsonl")).Length;
        Assert.That(saved, Is.EqualTo(first.Judged.Count), "every judged game was saved");
        Assert.That(saved, Is.GreaterThan(0).And.LessThan(uninterrupted.Games.Count));

        var second = new CountingJudge(Judge);
        var resumed = await Tournament.RunAsync(Load(paths), prompts, second.Judge, f.Out, options);
        TournamentReport.Write(resumed, f.Out);

        var all = first.Judged.Concat(second.Judged).ToList();
        Assert.That(all, Has.Count.EqualTo(uninterrupted.Games.Count));
        Assert.That(all.Distinct().Count(), Is.EqualTo(all.Count), "no game judged twice");
        Assert.That(resumed.JudgedThisRun, Is.EqualTo(uninterrupted.Games.Count - saved));
        Assert.That(File.ReadAllText(Path.Combine(f.Out, "tournament.json")), Is.EqualTo(File.ReadAllText(Path.Combine(f.Directory, "whole", "tournament.json"))));

        var third = new CountingJudge(Judge);
        await Tournament.RunAsync(Load(paths), prompts, third.Judge, f.Out, options);
        Assert.That(third.Calls, Is.Zero, "a finished tournament re-judges nothing");
    }

    [Test]
    public async Task RunAsync_JudgeThrows_ClearErrorAndJudgedGamesStaySaved()
    {
        using var f = new TournamentFixture();
        var prompts = TournamentFixture.Prompts(8);
        var paths = Enumerable.Range(0, 3).Select(l => f.CompletionFile($"p{l}", prompts, k => $"{l}")).ToArray();
        int calls = 0;
        using var failing = new FunctionJudge("flaky", (batch, _) =>
            Interlocked.Increment(ref calls) >= 3 ? throw new InvalidOperationException("server down")
                : Task.FromResult<IReadOnlyList<double>>(batch.Select(c => Verdict.FromScores(int.Parse(c.A), int.Parse(c.B)).P).ToArray()));
        var options = Fast with { BatchSize = 4, Concurrency = 1 };

        var e = Assert.ThrowsAsync<TournamentException>(() => Tournament.RunAsync(Load(paths), prompts, failing, f.Out, options));

        Assert.That(e!.Message, Does.Contain("flaky").And.Contain("server down").And.Contain(" vs ").And.Contain("prompt").And.Contain("rerun to resume"));
        Assert.That(File.ReadAllLines(Path.Combine(f.Out, "verdicts.jsonl")), Has.Length.EqualTo(8));
        var good = new CountingJudge(c => Verdict.FromScores(int.Parse(c.A), int.Parse(c.B)).P);
        using var inner = good.Judge;
        using var rerun = new FunctionJudge("flaky", async (batch, ct) => (await inner.JudgeAsync(batch, ct)).Select(v => v.P).ToArray());
        var result = await Tournament.RunAsync(Load(paths), prompts, rerun, f.Out, options);
        Assert.That(good.Judged, Has.Count.EqualTo(3 * 8 - 8));
        Assert.That(result.Analysis.Condorcet.Winner, Is.EqualTo(2));
    }

    [Test]
    public async Task RunAsync_OtherJudgeOnSavedState_Refused()
    {
        using var f = new TournamentFixture();
        var prompts = TournamentFixture.Prompts(2);
        var paths = new[] { f.CompletionFile("a", prompts, _ => "rock"), f.CompletionFile("b", prompts, _ => "paper") };
        using var rps = new FunctionJudge("rps", TournamentFixture.RockPaperScissors);
        await Tournament.RunAsync(Load(paths), prompts, rps, f.Out, Fast);
        using var other = new FunctionJudge("other", TournamentFixture.RockPaperScissors);
        var e = Assert.ThrowsAsync<TournamentException>(() => Tournament.RunAsync(Load(paths), prompts, other, f.Out, Fast));
        Assert.That(e!.Message, Does.Contain("judge").And.Contain("\"rps\"").And.Contain("--out"));
    }

    [Test]
    public async Task RunAsync_PlayerChangedUnderTheSameName_RefusedUntilDiscarded()
    {
        using var f = new TournamentFixture();
        var prompts = TournamentFixture.Prompts(2);
        var paths = new[] { f.CompletionFile("a", prompts, _ => "rock"), f.CompletionFile("b", prompts, _ => "paper") };
        using var rps = new FunctionJudge("rps", TournamentFixture.RockPaperScissors);
        var first = await Tournament.RunAsync(Load(paths), prompts, rps, f.Out, Fast);
        Assert.That(first.Analysis.WinRates[1][0], Is.EqualTo(1.0));

        f.CompletionFile("b", prompts, _ => "scissors");                   // same name, other answers
        var e = Assert.ThrowsAsync<TournamentException>(() => Tournament.RunAsync(Load(paths), prompts, rps, f.Out, Fast));
        Assert.That(e!.Message, Does.Contain("player b changed").And.Contain("--overwrite"));

        Tournament.Discard(f.Out);
        var second = await Tournament.RunAsync(Load(paths), prompts, rps, f.Out, Fast);
        Assert.That(second.Analysis.WinRates[1][0], Is.EqualTo(0.0));     // rock beats scissors: the new b was played
        Assert.That(second.JudgedThisRun, Is.EqualTo(second.Games.Count));
    }

    [Test]
    public async Task RunAsync_NamesThatShareAFileSafeForm_KeepTheirOwnCompletions()
    {
        using var f = new TournamentFixture();
        var prompts = TournamentFixture.Prompts(2);
        var x = CompletionFilePlayer.Load(f.CompletionFile("p1", prompts, _ => "rock"), "x y");
        var y = CompletionFilePlayer.Load(f.CompletionFile("p2", prompts, _ => "paper"), "x_y");
        var z = CompletionFilePlayer.Load(f.CompletionFile("p3", prompts, _ => "scissors"), "X_Y");
        using var rps = new FunctionJudge("rps", TournamentFixture.RockPaperScissors);
        await Tournament.RunAsync([x, y, z], prompts, rps, f.Out, Fast);
        // a resume reads the saved texts back: each name must find its own
        var resumed = await Tournament.RunAsync([x, y, z], prompts, rps, f.Out, Fast);
        Assert.That(resumed.Analysis.WinRates[1][0], Is.EqualTo(1.0));    // paper beats rock
        Assert.That(resumed.Analysis.WinRates[0][2], Is.EqualTo(1.0));    // rock beats scissors
        var files = new[] { "x y", "x_y", "X_Y" }.Select(n => Tournament.CompletionsPath(f.Out, n)).ToList();
        Assert.That(files.Distinct(StringComparer.OrdinalIgnoreCase).Count(), Is.EqualTo(3));
        Assert.That(File.ReadAllText(files[0]), Does.Contain("rock").And.Not.Contain("paper"));
        Assert.That(File.ReadAllText(files[1]), Does.Contain("paper").And.Not.Contain("rock"));
    }

    [Test]
    public void PolicyPlayer_Fingerprint_ChangesWithTheWeightsAndSamplingSettings()
    {
        string[] contexts = ["p"];
        string[] actions = ["a", "b"];
        var policy = new Rebel.SelfPlay.Policies.CategoricalPolicy(contexts, actions);
        var player = new PolicyPlayer("m", policy);
        string before = player.Fingerprint;
        Assert.That(new PolicyPlayer("m", new Rebel.SelfPlay.Policies.CategoricalPolicy(contexts, actions)).Fingerprint, Is.EqualTo(before));
        Assert.That((player with { Temperature = 0.5 }).Fingerprint, Is.Not.EqualTo(before));
        policy.Logits.AsSpan()[0] += 1f;
        Assert.That(player.Fingerprint, Is.Not.EqualTo(before));
    }

    [Test]
    public async Task RunAsync_TornLastVerdictLine_IsCutAndRejudged()
    {
        using var f = new TournamentFixture();
        var prompts = TournamentFixture.Prompts(3);
        var paths = new[] { f.CompletionFile("a", prompts, _ => "rock"), f.CompletionFile("b", prompts, _ => "paper") };
        using var rps = new FunctionJudge("rps", TournamentFixture.RockPaperScissors);
        await Tournament.RunAsync(Load(paths), prompts, rps, f.Out, Fast with { BatchSize = 1 });
        var path = Path.Combine(f.Out, "verdicts.jsonl");
        var lines = File.ReadAllLines(path);
        File.WriteAllText(path, string.Join("\n", lines.Take(2)) + "\n" + lines[2][..10]); // a kill mid-write

        var counting = new CountingJudge(TournamentFixture.RockPaperScissors, id: "rps");
        var result = await Tournament.RunAsync(Load(paths), prompts, counting.Judge, f.Out, Fast with { BatchSize = 1 });

        Assert.That(counting.Judged, Has.Count.EqualTo(1));
        Assert.That(result.Analysis.WinRates[1][0], Is.EqualTo(1.0));
        Assert.That(File.ReadAllLines(path), Has.Length.EqualTo(3));
    }

    [Test]
    public void Resolve_MissingPath_NamesIt()
    {
        var e = Assert.Throws<TournamentException>(() => new PlayerResolver(null).Resolve(["no/such/player.jsonl"]));
        Assert.That(e!.Message, Does.Contain("no/such/player.jsonl").And.Contain("no such file"));
    }

    [Test]
    public void Resolve_DirectoryWithoutLoader_Refused_AndDuplicateNamesRefused()
    {
        using var f = new TournamentFixture();
        var e = Assert.Throws<TournamentException>(() => new PlayerResolver(null).Resolve([f.Directory]));
        Assert.That(e!.Message, Does.Contain("directory"));
        var path = f.CompletionFile("same", ["x"], _ => "y");
        Assert.Throws<TournamentException>(() => new PlayerResolver(null).Resolve([path, path]));
    }

    [Test]
    public void Complete_CompletionFileMissingAPrompt_NamesPlayerAndPrompt()
    {
        using var f = new TournamentFixture();
        var player = CompletionFilePlayer.Load(f.CompletionFile("partial", ["first", "second"], _ => "answer"));
        var e = Assert.Throws<TournamentException>(() => player.Complete(["first", "third one"], 1, 0));
        Assert.That(e!.Message, Does.Contain("partial").And.Contain("prompt 1").And.Contain("third one"));
    }

    [Test]
    public void CompletionFile_RepeatedPrompt_SamplesCycleThroughItsAnswers()
    {
        using var f = new TournamentFixture();
        var path = Path.Combine(f.Directory, "multi.jsonl");
        File.WriteAllLines(path, ["""{"prompt":"x","completion":"one"}""", """{"prompt":"x","completion":"two"}"""]);
        Assert.That(CompletionFilePlayer.Load(path).Complete(["x"], 3, 0), Is.EqualTo(new[] { "one", "two", "one" }));
    }

    [Test]
    public void ToJson_HasTheContractFields()
    {
        using var f = new TournamentFixture();
        var prompts = TournamentFixture.Prompts(3);
        var players = Load(f.CompletionFile("rock", prompts, _ => "rock"), f.CompletionFile("paper", prompts, _ => "paper"));
        using var judge = new FunctionJudge("rps", TournamentFixture.RockPaperScissors);
        var result = Tournament.RunAsync(players, prompts, judge, f.Out, Fast).GetAwaiter().GetResult();
        TournamentReport.Write(result, f.Out);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(f.Out, "tournament.json")))!;
        Assert.That(json["players"]!.AsArray().Select(p => (string)p!), Is.EqualTo(new[] { "rock", "paper" }));
        Assert.That((double)json["win_rates"]![1]![0]!, Is.EqualTo(1.0));
        Assert.That(json["lottery"]!.AsArray().Select(p => (double)p!), Is.EqualTo(new[] { 0.0, 1.0 }).Within(1e-9));
        Assert.That((double)json["ratings"]![1]!, Is.GreaterThan((double)json["ratings"]![0]!));
        Assert.That((string?)json["condorcet_winner"], Is.EqualTo("paper"));
        foreach (var file in new[] { "report.md", "win_rates.svg", "ratings.svg", "lottery.svg" })
            Assert.That(File.Exists(Path.Combine(f.Out, file)), file);
        Assert.That(File.ReadAllText(Path.Combine(f.Out, "win_rates.svg")), Does.StartWith("<svg").And.Contain("1.00"));
        Assert.That(Directory.GetFiles(f.Out, "*.tmp"), Is.Empty);
    }
}
