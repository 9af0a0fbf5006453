using Rebel.Judges;
using Rebel.Preference.Data;
using Rebel.Preference.Models;
using Rebel.SelfPlay.Policies;
using Rebel.SelfPlay.Training;

namespace Rebel.SelfPlay.Tests.Training;

public class RebelTrainerTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rebel-trainer-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    internal static readonly string[] Prompts = ["p0", "p1", "p2"];
    internal static readonly string[] Actions = ["bad", "ok", "good", "best"];

    /// <summary>A transitive judge: the action later in the list wins.</summary>
    internal static FunctionJudge Ordered() =>
        new("ordered", c => Math.Sign(Array.IndexOf(Actions, c.A) - Array.IndexOf(Actions, c.B)) * 0.5 + 0.5);

    private static RebelOptions Options(int iterations) => new()
    {
        Iterations = iterations, PromptsPerIteration = 3, MinibatchPrompts = 2, SamplesPerPrompt = 4, Epochs = 2,
        LearningRate = 0.05, WeightDecay = 0, CheckpointInterval = 2, EvalInterval = 0, Seed = 5, Eta = 1.0,
    };

    private RebelTrainer Trainer(IPolicy policy, RebelOptions options, string run, ITrainingObserver? observer = null) =>
        new(policy, new CategoricalPolicy(Prompts, Actions), options, Path.Combine(_dir, run))
        { TrainPrompts = Prompts, Judge = Ordered(), Observer = observer };

    [Test]
    public async Task Run_LogsEveryIteration_CheckpointsAtTheInterval_AndMovesTowardTheWinner()
    {
        var policy = new CategoricalPolicy(Prompts, Actions);
        var final = await Trainer(policy, Options(10) with { LearningRate = 0.15, SamplesPerPrompt = 6 }, "run").RunAsync();

        var rows = MetricsLog.Read(Path.Combine(_dir, "run", "metrics.jsonl"));
        Assert.That(rows, Has.Count.EqualTo(10));
        Assert.That(rows[0].Keys, Is.SupersetOf(new[] { "loss/rebel", "loss/r2", "judge/calls", "time/generate", "time/judge", "time/train", "policy/kl_ref", "targets/mean_abs_delta" }));
        Assert.That(rows[0]["judge/calls"], Is.EqualTo(3 * 15)); // B = 3 prompts × K(K−1)/2 = 15 pairs
        Assert.That(new CheckpointStore(Path.Combine(_dir, "run")).List().Select(c => c.Iteration), Is.EqualTo(new[] { 2, 4, 6, 8, 10 }));
        Assert.That(CategoricalPolicy.Load(Path.Combine(final, "model")).Logits.ToArray(), Is.EqualTo(policy.Logits.ToArray()));
        foreach (var p in Prompts)
        {
            var probabilities = policy.Probabilities(p);
            Assert.That(probabilities[3], Is.EqualTo(probabilities.Max()).And.GreaterThan(0.4), $"π_T(best | {p}) should lead after 10 iterations");
            Assert.That(probabilities[0], Is.LessThan(0.25), $"π_T(bad | {p}) should fall");
        }
        Assert.That(rows[^1]["policy/kl_ref"], Is.GreaterThan(rows[0]["policy/kl_ref"]));
    }

    [Test]
    public async Task Run_WithACachingJudge_LogsCacheHitsOfTheTrainingCalls_AndTheBatchWinRate()
    {
        using var cache = new Rebel.Judges.Caching.CachingJudge(Ordered(), Path.Combine(_dir, "verdicts.db"));
        var trainer = new RebelTrainer(new CategoricalPolicy(Prompts, Actions), new CategoricalPolicy(Prompts, Actions), Options(3), Path.Combine(_dir, "cached"))
            { TrainPrompts = Prompts, Judge = cache };
        await trainer.RunAsync();

        var rows = MetricsLog.Read(Path.Combine(_dir, "cached", "metrics.jsonl"));
        foreach (var row in rows)
        {
            Assert.That(row["judge/cache_hits"], Is.InRange(0, row["judge/calls"]));
            Assert.That(row["policy/win_rate_vs_ref_batch"], Is.InRange(0.0, 1.0));
        }
        // 3 prompts × 4 actions give at most 48 ordered pairs, so later iterations mostly ask pairs seen before.
        Assert.That(rows[^1]["judge/cache_hits"], Is.GreaterThan(0));
    }

    [Test]
    public async Task Resume_AfterInterruption_MatchesAnUninterruptedRunExactly()
    {
        var straight = new CategoricalPolicy(Prompts, Actions);
        await Trainer(straight, Options(6) with { MagnetResetInterval = 2, Beta = 0.1 }, "straight").RunAsync();

        var first = new CategoricalPolicy(Prompts, Actions);
        await Trainer(first, Options(6) with { Iterations = 4, MagnetResetInterval = 2, Beta = 0.1 }, "resumed").RunAsync();
        var resumed = new CategoricalPolicy(Prompts, Actions); // fresh: everything must come from the checkpoint
        await Trainer(resumed, Options(6) with { MagnetResetInterval = 2, Beta = 0.1 }, "resumed").RunAsync(resume: true);

        Assert.That(resumed.Logits.ToArray(), Is.EqualTo(straight.Logits.ToArray()));
        var a = MetricsLog.Read(Path.Combine(_dir, "straight", "metrics.jsonl")).Select(r => r["loss/rebel"]).ToArray();
        var b = MetricsLog.Read(Path.Combine(_dir, "resumed", "metrics.jsonl")).Select(r => r["loss/rebel"]).ToArray();
        Assert.That(b, Is.EqualTo(a));
    }

    [Test]
    public void Run_IntoADirectoryWithCheckpoints_WithoutResume_Throws()
    {
        var policy = new CategoricalPolicy(Prompts, Actions);
        Assert.DoesNotThrowAsync(() => Trainer(policy, Options(2), "twice").RunAsync());
        Assert.ThrowsAsync<InvalidOperationException>(() => Trainer(policy, Options(2), "twice").RunAsync());
    }

    [Test]
    public void Divergence_StopsWithAMessage_AndKeepsTheLastGoodCheckpoint()
    {
        var policy = new CategoricalPolicy(Prompts, Actions);
        var trainer = Trainer(policy, Options(5) with { CheckpointInterval = 1 }, "nan", new PoisonAt(policy, iteration: 3));
        var e = Assert.ThrowsAsync<TrainingDivergedException>(() => trainer.RunAsync())!;
        Assert.That(e.Message, Does.Contain("iteration 3").And.Contain("iter-2"));
        var store = new CheckpointStore(Path.Combine(_dir, "nan"));
        Assert.That(store.List().Select(c => c.Iteration), Is.EqualTo(new[] { 1, 2 }));
        Assert.That(CategoricalPolicy.Load(Path.Combine(store.PathOf(2), "model")).Logits.ToArray().All(float.IsFinite), Is.True);
    }

    private sealed class PoisonAt(CategoricalPolicy policy, int iteration) : ITrainingObserver
    {
        public void OnStart(int firstIteration, int iterations) { }

        public void OnPhase(int t, string phase)
        {
            if (t == iteration && phase == "train") policy.Logits.AsSpan()[0] = float.NaN;
        }

        public void OnIteration(int t, IReadOnlyDictionary<string, double> metrics) { }
    }

    [Test]
    public async Task OfflineMixing_AddsLabelledPairs_InTheRequestedFraction()
    {
        var offline = Prompts.Select(p => new PreferenceRecord(p, "best", "bad", 1.0)).ToList();
        var policy = new CategoricalPolicy(Prompts, Actions);
        var options = Options(2) with { OfflineFraction = 0.25, OfflineData = "in-memory" };
        var trainer = new RebelTrainer(policy, new CategoricalPolicy(Prompts, Actions), options, Path.Combine(_dir, "offline"))
        { TrainPrompts = Prompts, Judge = Ordered(), Offline = offline };
        await trainer.RunAsync();
        var row = MetricsLog.Read(Path.Combine(_dir, "offline", "metrics.jsonl"))[0];
        Assert.That(row["data/pairs_online"], Is.EqualTo(18));
        Assert.That(row["data/pairs_offline"], Is.EqualTo(6)); // α/(1−α) · 18
        Assert.That(row["judge/calls"], Is.EqualTo(18));       // offline targets come from the labels
    }

    private sealed class ActionReward : IRewardModel
    {
        public string Name => "action-index";

        public double[] Rewards(IReadOnlyList<(string Prompt, string Completion)> items) =>
            items.Select(i => (double)Array.IndexOf(Actions, i.Completion)).ToArray();
    }

    [TestCase("rebel")]
    [TestCase("rloo")]
    [TestCase("sppo")]
    public async Task RewardMode_EveryLoss_RaisesTheBestAction(string loss)
    {
        var policy = new CategoricalPolicy(Prompts, Actions);
        var options = Options(8) with { Mode = TrainingMode.Reward, Loss = loss, Eta = 0.5 };
        await new RebelTrainer(policy, new CategoricalPolicy(Prompts, Actions), options, Path.Combine(_dir, loss))
        { TrainPrompts = Prompts, Reward = new ActionReward() }.RunAsync();
        Assert.That(policy.Probabilities("p0")[3], Is.GreaterThan(0.25 + 0.1));
    }

    private sealed class ConstantReward : IRewardModel
    {
        public string Name => "constant";

        public double[] Rewards(IReadOnlyList<(string Prompt, string Completion)> items) => new double[items.Count];
    }

    /// <summary>
    /// With a constant reward every label is σ(0) = ½, and DPO/IPO, which carry β themselves, pull π_θ back to π_ref.
    /// Labels built from the reward with −β·ln(π_t/π_ref) folded in would count the KL penalty twice: they would aim
    /// at the mirror image of π_t on the other side of π_ref, and the policy would not settle at π_ref.
    /// </summary>
    [TestCase("dpo")]
    [TestCase("ipo")]
    public async Task RewardMode_DpoAndIpo_TakeTheirLabelsFromTheRawReward(string loss)
    {
        var policy = new CategoricalPolicy(Prompts, Actions);
        var logits = policy.Logits.AsSpan();
        for (int i = 0; i < logits.Length; i++) logits[i] = i % Actions.Length == 0 ? 1.5f : 0f;   // π_0 favours "bad"; π_ref is uniform
        double Distance() => Prompts.Max(p => policy.Probabilities(p).Max(q => Math.Abs(q - 0.25)));
        double before = Distance();
        var options = Options(6) with { Mode = TrainingMode.Reward, Loss = loss, Beta = 1.0, Epochs = 8, LearningRate = 0.1, SamplesPerPrompt = 6 };
        await new RebelTrainer(policy, new CategoricalPolicy(Prompts, Actions), options, Path.Combine(_dir, loss))
        { TrainPrompts = Prompts, Reward = new ConstantReward() }.RunAsync();
        Assert.That(Distance(), Is.LessThan(0.1 * before), "π_θ should return to π_ref when every reward is equal");
    }

    [Test]
    public void Inputs_Missing_AreClearErrors()
    {
        var policy = new CategoricalPolicy(Prompts, Actions);
        var noJudge = new RebelTrainer(policy, policy.Snapshot(), Options(1), Path.Combine(_dir, "x")) { TrainPrompts = Prompts };
        Assert.ThrowsAsync<InvalidOperationException>(() => noJudge.RunAsync());
        Assert.Throws<ArgumentException>(() => _ = Trainer(policy, Options(1) with { Eta = -1 }, "bad"));
    }
}
