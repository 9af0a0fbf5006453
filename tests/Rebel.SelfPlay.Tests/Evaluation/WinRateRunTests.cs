using System.Text.Json.Nodes;
using Rebel.Judges;
using Rebel.Models.Data;
using Rebel.Preference;
using Rebel.SelfPlay.Evaluation;
using Rebel.SelfPlay.Policies;
using Rebel.SelfPlay.Tests.Tournaments;
using Rebel.SelfPlay.Tournaments;

namespace Rebel.SelfPlay.Tests.Evaluation;

public class WinRateRunTests
{
    private static readonly string[] Actions = ["rock", "paper", "scissors"];
    private static readonly WinRateOptions Options = new() { Samples = 2, Seed = 3, Temperature = 0.7, BatchSize = 5, Concurrency = 2, BootstrapResamples = 200 };

    // soft verdict from the trailing numbers of the two texts, so every pair has its own p
    private static double Score(Comparison c) => 1 / (1 + Math.Exp(0.3 * (int.Parse(c.B.Split(' ')[^1]) - int.Parse(c.A.Split(' ')[^1]))));

    private static (ITournamentPlayer Policy, ITournamentPlayer Reference, string[] Prompts) Sides(TournamentFixture f, int prompts = 12)
    {
        var texts = TournamentFixture.Prompts(prompts);
        var policy = CompletionFilePlayer.Load(f.CompletionFile("mine", texts, 2, (k, s) => $"answer {k} {s} {(k * 7 + s * 3) % 11}"));
        var reference = CompletionFilePlayer.Load(f.CompletionFile("theirs", texts, 2, (k, s) => $"ref {k} {(k * 5 + s) % 9}"));
        return (policy, reference, texts);
    }

    private static string Whole(TournamentFixture f, string name, WinRateResult result)
    {
        var dir = Path.Combine(f.Directory, name);
        WinRateReport.Write(result, dir, new JsonObject { ["judge"] = "score" });
        return File.ReadAllText(Path.Combine(dir, "eval.json")) + File.ReadAllText(Path.Combine(dir, "verdicts.jsonl"));
    }

    // a judge that answers `calls` batches, then fails like a crashed server; records what it answered
    private static FunctionJudge FailsAfter(int calls, List<Comparison> answered) => new("score", (batch, _) =>
    {
        lock (answered)
        {
            if (--calls < 0) throw new InvalidOperationException("server down");
            answered.AddRange(batch);
        }
        return Task.FromResult<IReadOnlyList<double>>(batch.Select(Score).ToArray());
    });

    [Test]
    public async Task RunAsync_JudgeFailsMidway_ResumeJudgesOnlyTheMissingPairsAndEqualsAnUninterruptedRun()
    {
        using var f = new TournamentFixture();
        var (policy, reference, prompts) = Sides(f);
        var uninterrupted = await WinRateEvaluator.RunAsync(policy, reference, prompts, new FunctionJudge("score", Score), Path.Combine(f.Directory, "whole"), Options);
        var expected = Whole(f, "whole", uninterrupted);

        var answered = new List<Comparison>();
        var e = Assert.ThrowsAsync<JudgeException>(() => WinRateEvaluator.RunAsync(policy, reference, prompts, FailsAfter(2, answered), f.Out, Options));
        Assert.That(e!.Message, Does.Contain("server down").And.Contain("verdicts are saved in").And.Contain("rerun to resume"));
        var saved = File.ReadAllLines(Path.Combine(f.Out, "verdicts.jsonl"));
        Assert.That(saved, Has.Length.EqualTo(answered.Count), "every answered pair was saved before the failure");
        Assert.That(saved.Length, Is.EqualTo(10));

        var second = new CountingJudge(Score, id: "score");
        var resumed = await WinRateEvaluator.RunAsync(policy, reference, prompts, second.Judge, f.Out, Options);

        var all = answered.Concat(second.Judged).ToList();
        Assert.That(all, Has.Count.EqualTo(24), "each pair judged once over both runs");
        Assert.That(all.Distinct().Count(), Is.EqualTo(24));
        Assert.That(resumed.Resumed, Is.EqualTo(10));
        Assert.That(uninterrupted.Resumed, Is.Zero);
        Assert.That(resumed.WinRate, Is.EqualTo(uninterrupted.WinRate), "bit for bit");
        Assert.That(resumed.LengthControlled, Is.EqualTo(uninterrupted.LengthControlled));
        Assert.That(Whole(f, "out", resumed), Is.EqualTo(expected), "eval.json and verdicts.jsonl byte for byte");

        var third = new CountingJudge(Score, id: "score");
        var again = await WinRateEvaluator.RunAsync(policy, reference, prompts, third.Judge, f.Out, Options);
        Assert.That(third.Calls, Is.Zero, "a finished run is only re-summarized");
        Assert.That(again.Resumed, Is.EqualTo(24));
        Assert.That(Whole(f, "out", again), Is.EqualTo(expected));
    }

    [Test]
    public async Task RunAsync_Cancelled_SampledTextsAreSavedAndNotSampledAgain()
    {
        using var f = new TournamentFixture();
        var prompts = TournamentFixture.Prompts(10);
        var policy = new CountingPlayer(new PolicyPlayer("policy", new CategoricalPolicy(prompts, Actions)));
        var reference = new CountingPlayer(new PolicyPlayer("reference", new CategoricalPolicy(prompts, Actions)));
        var judge = new FunctionJudge("rps", TournamentFixture.RockPaperScissors);
        var options = Options with { BatchSize = 3, Concurrency = 1 };
        var uninterrupted = await WinRateEvaluator.RunAsync(policy, reference, prompts, judge, Path.Combine(f.Directory, "whole"), options);

        using var cancel = new CancellationTokenSource();
        var first = new CountingJudge(TournamentFixture.RockPaperScissors, call => { if (call == 2) cancel.Cancel(); }, "rps");
        Assert.CatchAsync<OperationCanceledException>(() => WinRateEvaluator.RunAsync(policy, reference, prompts, first.Judge, f.Out, options, null, cancel.Token));
        Assert.That(File.ReadAllLines(Path.Combine(f.Out, "verdicts.jsonl")), Has.Length.EqualTo(first.Judged.Count));
        Assert.That(first.Judged, Has.Count.EqualTo(6));
        Assert.That((policy.Calls, reference.Calls), Is.EqualTo((2, 2)), "each side sampled once per directory");

        var second = new CountingJudge(TournamentFixture.RockPaperScissors, id: "rps");
        var resumed = await WinRateEvaluator.RunAsync(policy, reference, prompts, second.Judge, f.Out, options);

        Assert.That((policy.Calls, reference.Calls), Is.EqualTo((2, 2)), "the resumed run judges the saved texts, it does not sample again");
        Assert.That(second.Judged, Has.Count.EqualTo(20 - 6));
        Assert.That(resumed.Verdicts, Is.EqualTo(uninterrupted.Verdicts));
        Assert.That(resumed.Interval, Is.EqualTo(uninterrupted.Interval));
    }

    [Test]
    public async Task RunAsync_TornLastLine_IsCutAndJudgedAgain()
    {
        using var f = new TournamentFixture();
        var (policy, reference, prompts) = Sides(f, 3);
        var options = Options with { BatchSize = 1 };
        var whole = await WinRateEvaluator.RunAsync(policy, reference, prompts, new FunctionJudge("score", Score), f.Out, options);
        var path = Path.Combine(f.Out, "verdicts.jsonl");
        var lines = File.ReadAllLines(path);
        File.WriteAllText(path, string.Join("\n", lines.Take(4)) + "\n" + lines[4][..25]); // killed while writing line 5

        var counting = new CountingJudge(Score, id: "score");
        var resumed = await WinRateEvaluator.RunAsync(policy, reference, prompts, counting.Judge, f.Out, options);

        Assert.That(counting.Judged, Has.Count.EqualTo(2), "the torn pair and the one never written");
        Assert.That(resumed.Resumed, Is.EqualTo(4));
        Assert.That(resumed.WinRate, Is.EqualTo(whole.WinRate));
        Assert.That(File.ReadAllLines(path), Has.Length.EqualTo(6));
    }

    [Test]
    public async Task RunAsync_MalformedMiddleLine_ErrorNamesFileAndLine()
    {
        using var f = new TournamentFixture();
        var (policy, reference, prompts) = Sides(f, 3);
        await WinRateEvaluator.RunAsync(policy, reference, prompts, new FunctionJudge("score", Score), f.Out, Options);
        var path = Path.Combine(f.Out, "verdicts.jsonl");
        var lines = File.ReadAllLines(path);

        File.WriteAllLines(path, [lines[0], lines[1][..20], .. lines[2..]]);
        var e = Assert.ThrowsAsync<DataFormatException>(() => WinRateEvaluator.RunAsync(policy, reference, prompts, new FunctionJudge("score", Score), f.Out, Options));
        Assert.That(e!.Message, Does.StartWith($"{path}:2:"));

        File.WriteAllLines(path, [lines[0], lines[1].Replace("\"p\":", "\"q\":"), .. lines[2..]]);
        e = Assert.ThrowsAsync<DataFormatException>(() => WinRateEvaluator.RunAsync(policy, reference, prompts, new FunctionJudge("score", Score), f.Out, Options));
        Assert.That(e!.Message, Does.StartWith($"{path}:2:").And.Contain("\"p\""));

        File.WriteAllLines(path, [lines[0], lines[0]]);
        e = Assert.ThrowsAsync<DataFormatException>(() => WinRateEvaluator.RunAsync(policy, reference, prompts, new FunctionJudge("score", Score), f.Out, Options));
        Assert.That(e!.Message, Does.StartWith($"{path}:2:").And.Contain("already judged on line 1"));

        File.WriteAllLines(path, [lines[0].Replace("answer 0", "answer 9")]);
        e = Assert.ThrowsAsync<DataFormatException>(() => WinRateEvaluator.RunAsync(policy, reference, prompts, new FunctionJudge("score", Score), f.Out, Options));
        Assert.That(e!.Message, Does.StartWith($"{path}:1:").And.Contain("\"completion\"").And.Contain("another run"));
    }

    [Test]
    public async Task RunAsync_OtherSettingsOnSavedRun_RefusedNamingTheField()
    {
        using var f = new TournamentFixture();
        var (policy, reference, prompts) = Sides(f, 3);
        await WinRateEvaluator.RunAsync(policy, reference, prompts, new FunctionJudge("score", Score), f.Out, Options, new JsonObject { ["policy_path"] = "a" });

        var e = Assert.ThrowsAsync<TournamentException>(() => WinRateEvaluator.RunAsync(policy, reference, prompts, new FunctionJudge("score", Score), f.Out, Options with { Seed = 4 }));
        Assert.That(e!.Message, Does.Contain("seed = 3, not 4").And.Contain("--out").And.Contain("--overwrite"));
        e = Assert.ThrowsAsync<TournamentException>(() => WinRateEvaluator.RunAsync(policy, reference, prompts, new FunctionJudge("other", Score), f.Out, Options));
        Assert.That(e!.Message, Does.Contain("judge = \"score\", not \"other\""));
        e = Assert.ThrowsAsync<TournamentException>(() => WinRateEvaluator.RunAsync(policy, reference, prompts[..2], new FunctionJudge("score", Score), f.Out, Options));
        Assert.That(e!.Message, Does.Contain("prompts = 3, not 2"));
        e = Assert.ThrowsAsync<TournamentException>(() => WinRateEvaluator.RunAsync(policy, reference, prompts, new FunctionJudge("score", Score), f.Out, Options,
            new JsonObject { ["policy_path"] = "b" }));
        Assert.That(e!.Message, Does.Contain("policy_path = \"a\", not \"b\""));

        var header = Path.Combine(f.Out, "run.json");
        File.WriteAllText(header, "{\"seed\": 3,");
        var bad = Assert.ThrowsAsync<DataFormatException>(() => WinRateEvaluator.RunAsync(policy, reference, prompts, new FunctionJudge("score", Score), f.Out, Options));
        Assert.That(bad!.Message, Does.StartWith(header).And.Contain("not valid JSON"));

        WinRateReport.Delete(f.Out);
        Assert.That(File.Exists(header), Is.False);
        var counting = new CountingJudge(Score, id: "score");
        var fresh = await WinRateEvaluator.RunAsync(policy, reference, prompts, counting.Judge, f.Out, Options with { Seed = 4 });
        Assert.That(counting.Judged, Has.Count.EqualTo(6), "a deleted run starts afresh");
        Assert.That(fresh.Resumed, Is.Zero);
    }

    /// <summary>Counts how often a player is asked to answer.</summary>
    private sealed class CountingPlayer(ITournamentPlayer inner) : ITournamentPlayer
    {
        public int Calls { get; private set; }

        public string Name => inner.Name;

        public string Fingerprint => inner.Fingerprint;

        public IReadOnlyList<string> Complete(IReadOnlyList<string> prompts, int samplesPerPrompt, ulong seed)
        {
            Calls++;
            return inner.Complete(prompts, samplesPerPrompt, seed);
        }
    }
}
