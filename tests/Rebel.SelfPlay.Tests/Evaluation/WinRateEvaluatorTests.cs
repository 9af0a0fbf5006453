using Rebel.Judges;
using Rebel.Preference;
using Rebel.SelfPlay.Evaluation;
using Rebel.SelfPlay.Policies;
using Rebel.SelfPlay.Tests.Tournaments;
using Rebel.SelfPlay.Tournaments;

namespace Rebel.SelfPlay.Tests.Evaluation;

public class WinRateEvaluatorTests
{
    private static readonly string[] Actions = ["rock", "paper", "scissors"];

    // P(a ≻ b) by word count: longer wins, equal length ties
    private static FunctionJudge LongerWins() => new("longer", c => Math.Sign(c.A.Split(' ').Length - c.B.Split(' ').Length) * 0.5 + 0.5);

    [Test]
    public async Task JudgeAsync_TiesCountHalf_PolicyShownAsA_VerdictsPromptMajor()
    {
        var prompts = new[] { "p0", "p1", "p2" };
        string[] mine = ["a b c", "a", "a b", "a b", "x", "x y z"];       // 3 prompts × 2 samples
        string[] theirs = ["a", "a b", "a b", "a b", "x y", "x"];
        var seen = new List<Comparison>();
        var judge = new FunctionJudge("recording", c => { lock (seen) seen.Add(c); return LongerWins().JudgeAsync([c]).Result[0].P; });
        var result = await WinRateEvaluator.JudgeAsync(prompts, mine, theirs, judge, new WinRateOptions { Samples = 2, BatchSize = 4 });
        Assert.Multiple(() =>
        {
            Assert.That(result.Verdicts.Select(v => v.P), Is.EqualTo(new[] { 1, 0, 0.5, 0.5, 0, 1 }));
            Assert.That(result.WinRate, Is.EqualTo(0.5));
            Assert.That((result.Wins, result.Ties, result.Losses), Is.EqualTo((2, 2, 2)));
            Assert.That(result.Verdicts.Select(v => (v.PromptIndex, v.Sample)), Is.EqualTo(new[] { (0, 0), (0, 1), (1, 0), (1, 1), (2, 0), (2, 1) }));
            Assert.That(result.Verdicts[4].Completion, Is.EqualTo("x"));
            Assert.That(result.Verdicts[4].ReferenceCompletion, Is.EqualTo("x y"));
            Assert.That(seen.Any(c => c is { Prompt: "p2", A: "x", B: "x y" }), Is.True, "the policy's completion is a");
            Assert.That(result.StandardError, Is.Zero, "every prompt's mean is ½");
            Assert.That(result.Prompts, Is.EqualTo(3));
            Assert.That(result.Count, Is.EqualTo(6));
        });
    }

    [Test]
    public async Task JudgeAsync_IntervalIsSeededAndCoversTheRate()
    {
        var prompts = TournamentFixture.Prompts(30);
        var mine = prompts.Select((_, k) => k % 3 == 0 ? "short" : "a much longer answer").ToArray();
        var theirs = prompts.Select(_ => "medium answer").ToArray();
        var options = new WinRateOptions { Seed = 7, BootstrapResamples = 500 };
        var first = await WinRateEvaluator.JudgeAsync(prompts, mine, theirs, LongerWins(), options);
        var second = await WinRateEvaluator.JudgeAsync(prompts, mine, theirs, LongerWins(), options with { Concurrency = 1, BatchSize = 7 });
        Assert.That(first.WinRate, Is.EqualTo(20.0 / 30).Within(1e-12));
        Assert.That(first.Interval, Is.EqualTo(second.Interval));
        Assert.That(first.Interval!.Lower, Is.LessThan(first.WinRate));
        Assert.That(first.Interval.Upper, Is.GreaterThan(first.WinRate));
        Assert.That(first.Interval.Upper - first.Interval.Lower, Is.EqualTo(4 * first.StandardError).Within(0.1), "≈ ±1.96 SE");
    }

    [Test]
    public async Task EvaluateAsync_CompletionFiles_UsesEachFilesAnswers()
    {
        using var fx = new TournamentFixture();
        var prompts = TournamentFixture.Prompts(4);
        var policy = CompletionFilePlayer.Load(fx.CompletionFile("policy", prompts, 2, (k, s) => k < 3 ? "one two three" : "one"));
        var reference = CompletionFilePlayer.Load(fx.CompletionFile("reference", prompts, k => "one two"));
        var result = await WinRateEvaluator.EvaluateAsync(policy, reference, prompts, LongerWins(), new WinRateOptions { Samples = 2 });
        Assert.That(result.WinRate, Is.EqualTo(0.75));
        Assert.That(result.Samples, Is.EqualTo(2));
        Assert.That(result.MeanLength, Is.EqualTo((6 * 13 + 2 * 3) / 8.0));
    }

    [Test]
    public async Task EvaluateAsync_Policies_SeededAndAgainstItselfNearHalf()
    {
        var prompts = TournamentFixture.Prompts(40);
        var policy = new CategoricalPolicy(prompts, Actions);
        var options = new WinRateOptions { Samples = 2, Seed = 11, BootstrapResamples = 100 };
        var judge = new FunctionJudge("rps", TournamentFixture.RockPaperScissors);
        var first = await WinRateEvaluator.EvaluateAsync(policy, policy.Snapshot(), prompts, judge, options);
        var again = await WinRateEvaluator.EvaluateAsync(policy, policy.Snapshot(), prompts, judge, options);
        var other = await WinRateEvaluator.EvaluateAsync(policy, policy.Snapshot(), prompts, judge, options with { Seed = 12 });
        Assert.That(again.Verdicts.Select(v => (v.Completion, v.ReferenceCompletion)), Is.EqualTo(first.Verdicts.Select(v => (v.Completion, v.ReferenceCompletion))));
        Assert.That(other.Verdicts.Select(v => v.Completion), Is.Not.EqualTo(first.Verdicts.Select(v => v.Completion)));
        Assert.That(first.Verdicts.Count(v => v.Completion != v.ReferenceCompletion), Is.GreaterThan(20), "policy and reference draw from different streams");
        Assert.That(first.WinRate, Is.EqualTo(0.5).Within(0.15));
        Assert.That(first.Interval!.Contains(0.5), Is.True);
    }

    [Test]
    public async Task EvaluateAsync_PolicyThatAlwaysPlaysPaperAgainstRock_WinsEverything()
    {
        var prompts = TournamentFixture.Prompts(5);
        var paper = new CategoricalPolicy(prompts, Actions);
        var rock = new CategoricalPolicy(prompts, Actions);
        for (int k = 0; k < prompts.Length; k++)
        {
            paper.Logits.AsSpan()[k * 3 + 1] = 30;
            rock.Logits.AsSpan()[k * 3] = 30;
        }
        var result = await WinRateEvaluator.EvaluateAsync(paper, rock, prompts, new FunctionJudge("rps", TournamentFixture.RockPaperScissors));
        Assert.That(result.WinRate, Is.EqualTo(1));
        Assert.That(result.LengthControlled.WinRate, Is.EqualTo(1));
        Assert.That(result.Interval, Is.EqualTo(new Rebel.Preference.Statistics.ConfidenceInterval(1, 1, 1)));
    }

    [Test]
    public void JudgeAsync_JudgeFails_NamesPromptAndSample()
    {
        var prompts = TournamentFixture.Prompts(3);
        var judge = new FunctionJudge("flaky", c => c.A == "bad" ? throw new InvalidOperationException("cannot read it") : 0.5);
        var e = Assert.ThrowsAsync<JudgeException>(() => WinRateEvaluator.JudgeAsync(prompts, ["ok", "ok", "ok", "ok", "bad", "ok"],
            ["r", "r", "r", "r", "r", "r"], judge, new WinRateOptions { Samples = 2, BatchSize = 4 }));
        Assert.That(e!.Message, Does.Contain("prompt 2, sample 0").And.Contain("item 4").And.Contain("flaky"));
    }

    [Test]
    public void JudgeAsync_BadInput_Throws()
    {
        var prompts = TournamentFixture.Prompts(2);
        var judge = LongerWins();
        Assert.That(Assert.ThrowsAsync<ArgumentException>(() => WinRateEvaluator.JudgeAsync(prompts, ["a"], ["b", "c"], judge))!.Message,
            Does.Contain("1 policy completions for 2 prompts × 1 samples"));
        Assert.ThrowsAsync<ArgumentException>(() => WinRateEvaluator.JudgeAsync([], [], [], judge));
        Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => WinRateEvaluator.JudgeAsync(prompts, ["a", "b"], ["b", "c"], judge, new WinRateOptions { Samples = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WinRateOptions { BootstrapResamples = 1 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new WinRateOptions { Confidence = 1 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new WinRateOptions { Temperature = 0 }.Validate());
    }

    [Test]
    public void Summarize_UnevenSamplesOrBadP_Throws()
    {
        WinRateVerdict V(int k, int s, double p) => new(k, s, $"p{k}", "a", "b", p);
        Assert.That(Assert.Throws<ArgumentException>(() => WinRateEvaluator.Summarize([V(0, 0, 1), V(0, 1, 0), V(1, 0, 1)]))!.Message,
            Does.Contain("prompt 1 has 1 verdicts but prompt 0 has 2"));
        Assert.Throws<ArgumentException>(() => WinRateEvaluator.Summarize([V(0, 0, 1.2)]));
        Assert.Throws<ArgumentException>(() => WinRateEvaluator.Summarize([]));
        var single = WinRateEvaluator.Summarize([V(0, 0, 1), V(0, 1, 0.5)]);
        Assert.That(single.Interval, Is.Null, "one prompt has no interval");
        Assert.That(single.StandardError, Is.NaN);
    }

    [Test]
    public void LengthDifference_CountsUnicodeScalars()
    {
        Assert.That(WinRateVerdict.Length("a😀b"), Is.EqualTo(3));
        Assert.That(new WinRateVerdict(0, 0, "x", "abcd", "ab", 1).LengthDifference, Is.EqualTo(2));
    }
}
