using Rebel.Judges;
using Rebel.SelfPlay.Losses;
using Rebel.SelfPlay.Policies;
using Rebel.SelfPlay.Training;
using Rebel.Tensors;

namespace Rebel.SelfPlay.Tests.Training;

/// <summary>The loss registry, validation driven by what a loss declares, and losses of one's own in the trainer.</summary>
public class LossRegistryTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rebel-losses-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static string[] Prompts => RebelTrainerTests.Prompts;
    private static string[] Actions => RebelTrainerTests.Actions;

    private static FunctionJudge Ordered() => RebelTrainerTests.Ordered();

    private static RebelOptions Options(string loss) => new()
    {
        Loss = loss, Iterations = 3, PromptsPerIteration = 3, MinibatchPrompts = 2, SamplesPerPrompt = 4, Epochs = 2,
        LearningRate = 0.05, CheckpointInterval = 0, EvalInterval = 0, Seed = 5, Eta = 0.7, Beta = 0.1,
    };

    [Test]
    public void Default_NamesTheBuiltInLosses_AndRefusesAnUnknownNameListingThem()
    {
        Assert.That(LossRegistry.Default.Names, Is.EqualTo(new[] { "rebel", "sppo", "ipo", "dpo", "nash-md", "rloo" }));
        var e = Assert.Throws<ArgumentException>(() => LossRegistry.Default.Create(new RebelOptions { Loss = "ppo" }))!;
        Assert.That(e.Message, Does.Contain("\"ppo\"").And.Contain("rebel, sppo, ipo, dpo, nash-md, rloo"));
        var invalid = Assert.Throws<ArgumentException>(() => new RebelOptions { Loss = "ppo" }.Validate())!;
        Assert.That(invalid.Message, Does.Contain("loss \"ppo\" is unknown (known: rebel, sppo, ipo, dpo, nash-md, rloo)"));
    }

    [Test]
    public void With_AddsALoss_LeavesTheOriginalAlone_AndRefusesATakenName()
    {
        var mine = LossRegistry.Default.With("my-rebel", o => new MyRebelLoss(o.Eta));
        Assert.That(mine.Names, Is.EqualTo(LossRegistry.Default.Names.Append("my-rebel")));
        Assert.That(LossRegistry.Default.Contains("my-rebel"), Is.False);
        Assert.That(mine.Create(Options("my-rebel")), Is.EqualTo(new MyRebelLoss(0.7)));
        Assert.That(() => new RebelOptions { Loss = "my-rebel" }.Validate(), Throws.ArgumentException.With.Message.Contains("my-rebel"));
        Assert.That(new RebelOptions { Loss = "my-rebel" }.Validate(mine).Loss, Is.EqualTo("my-rebel"));
        Assert.That(() => mine.With("rebel", o => new RebelLoss(o.Eta)), Throws.ArgumentException.With.Message.Contains("already"));
    }

    [Test]
    public void Validate_DerivesRequirementsFromWhatTheLossDeclares()
    {
        string Problem(RebelOptions o, LossRegistry r) => Assert.Throws<ArgumentException>(() => o.Validate(r))!.Message;
        Assert.That(Problem(new RebelOptions { Loss = "rloo" }, LossRegistry.Default), Does.Contain("loss \"rloo\" needs mode = reward"));
        Assert.That(Problem(new RebelOptions { Loss = "dpo" }, LossRegistry.Default), Does.Contain("loss \"dpo\" needs beta > 0"));

        // a loss of one's own that samples a mixture inherits the mixture's rules, and its own problems are prefixed
        var mixed = LossRegistry.Default.With("mixed", o => new MixedLoss(o.Beta));
        var offline = Problem(new RebelOptions { Loss = "mixed", Beta = 0.5, OfflineFraction = 0.2, OfflineData = "x.jsonl", MagnetResetInterval = 3 }, mixed);
        Assert.That(offline, Does.Contain("loss \"mixed\" samples both completions from the mixture, so offline_fraction must be 0")
            .And.Contain("loss \"mixed\" anchors on its mixture, so magnet_reset_interval must be 0"));
        Assert.That(Problem(new RebelOptions { Loss = "mixed", Beta = 0.5, Mode = TrainingMode.Reward }, mixed), Does.Contain("loss \"mixed\" needs mode = preference"));
        Assert.That(Problem(new RebelOptions { Loss = "mixed", Beta = 2 }, mixed), Does.Contain("loss \"mixed\" needs beta ≤ 1, got 2"));
        Assert.DoesNotThrow(() => new RebelOptions { Loss = "mixed", Beta = 0.5 }.Validate(mixed));
    }

    [Test]
    public async Task ALossOfOnesOwn_PlugsIntoTheTrainer_AndTrainsExactlyAsTheBuiltInItRewrites()
    {
        var builtIn = new CategoricalPolicy(Prompts, Actions);
        await new RebelTrainer(builtIn, new CategoricalPolicy(Prompts, Actions), Options("rebel"), Path.Combine(_dir, "rebel"))
        { TrainPrompts = Prompts, Judge = Ordered() }.RunAsync();

        var mine = new CategoricalPolicy(Prompts, Actions);
        var registry = LossRegistry.Default.With("my-rebel", o => new MyRebelLoss(o.Eta));
        await new RebelTrainer(mine, new CategoricalPolicy(Prompts, Actions), Options("my-rebel"), Path.Combine(_dir, "mine"), registry)
        { TrainPrompts = Prompts, Judge = Ordered() }.RunAsync();

        Assert.That(mine.Logits.ToArray(), Is.EqualTo(builtIn.Logits.ToArray()), "same data, same arithmetic: the same parameters");
        Assert.That(builtIn.Logits.ToArray().Any(v => v != 0), Is.True, "training moved the policy");
        var rows = MetricsLog.Read(Path.Combine(_dir, "mine", "metrics.jsonl"));
        Assert.That(rows[0].Keys, Does.Contain("loss/my-rebel"));
        Assert.That(rows.Select(r => r["loss/my-rebel"]), Is.EqualTo(MetricsLog.Read(Path.Combine(_dir, "rebel", "metrics.jsonl")).Select(r => r["loss/rebel"])));
    }

    [Test]
    public async Task TargetsOfOnesOwn_AreBuiltOncePerIteration_AndEachMinibatchGetsItsOwnPairsReindexed()
    {
        var audit = new PairAudit();
        var registry = LossRegistry.Default.With("audit", _ => audit);
        await new RebelTrainer(new CategoricalPolicy(Prompts, Actions), new CategoricalPolicy(Prompts, Actions), Options("audit"), Path.Combine(_dir, "audit"), registry)
        { TrainPrompts = Prompts, Judge = Ordered() }.RunAsync();

        // 3 iterations × 2 epochs × ⌈3 groups / 2⌉ minibatches; each minibatch holds whole groups of K = 4 and their 6 pairs each
        Assert.That(audit.Minibatches, Has.Count.EqualTo(3 * 2 * 2));
        Assert.That(audit.Minibatches.Select(m => m.Completions), Is.EquivalentTo(new[] { 8, 4, 8, 4, 8, 4, 8, 4, 8, 4, 8, 4 }));
        Assert.That(audit.Minibatches.All(m => m.Pairs == m.Completions / 4 * 6), Is.True);
        Assert.That(audit.Mismatches, Is.Empty);
    }

    /// <summary>REBEL's regression rewritten with the public tensor API only, as a user's own loss would be.</summary>
    private sealed record MyRebelLoss(double Eta) : IPreferenceLoss<DeltaTargets>
    {
        public string Name => "my-rebel";
        public IRolloutSampler Sampler => PolicySampler.Instance;
        public LossAnchor Anchor => LossAnchor.Iterate;

        public Tensor Compute(LossBatch<DeltaTargets> batch)
        {
            var ratio = batch.LogProbs - Tensor.FromArray(batch.AnchorLogProbs, batch.Count);
            Tensor Pick(int[] i) => Tensor.Embedding(ratio.Reshape(ratio.Size, 1), i, i.Length).Reshape(i.Length);
            var predicted = (Pick(batch.PairA) - Pick(batch.PairB)) * (float)(1 / Eta);
            return Tensor.SquaredError(predicted, Tensor.FromArray(batch.Targets.Delta, batch.PairCount));
        }
    }

    /// <summary>A loss that samples a mixture: only its declarations matter here.</summary>
    private sealed record MixedLoss(double Beta) : IPreferenceLoss<DeltaTargets>
    {
        public string Name => "mixed";
        public IRolloutSampler Sampler => new MixtureSampler(Math.Min(Beta, 1));
        public LossAnchor Anchor => LossAnchor.Iterate;

        public IEnumerable<string> Problems()
        {
            if (Beta > 1) yield return $"needs beta ≤ 1, got {Beta}";
        }

        public Tensor Compute(LossBatch<DeltaTargets> batch) => (batch.LogProbs * 0f).Mean();
    }

    /// <summary>Targets that remember which of the iteration's completions each pair joins, and which completions a minibatch holds.</summary>
    private sealed record PairMembers(int[] A, int[] B, int[] Completions) : ILossTargets<PairMembers>
    {
        public static bool NeedsRewards => false;
        public static PairMembers From(IterationSignals signals) => new(signals.PairA, signals.PairB, Enumerable.Range(0, signals.Count).ToArray());
        public PairMembers Select(int[] completions, int[] pairs) =>
            new(pairs.Select(p => A[p]).ToArray(), pairs.Select(p => B[p]).ToArray(), completions.Select(i => Completions[i]).ToArray());
    }

    /// <summary>Checks, minibatch by minibatch, that local pair indices point at the completions its targets name.</summary>
    private sealed class PairAudit : IPreferenceLoss<PairMembers>
    {
        public List<(int Completions, int Pairs)> Minibatches { get; } = [];
        public List<string> Mismatches { get; } = [];
        public string Name => "audit";
        public IRolloutSampler Sampler => PolicySampler.Instance;
        public LossAnchor Anchor => LossAnchor.Iterate;

        public Tensor Compute(LossBatch<PairMembers> batch)
        {
            Minibatches.Add((batch.Count, batch.PairCount));
            // local completion i of the minibatch is the iteration's completion Targets.Completions[i]
            var global = batch.Targets.Completions;
            for (int p = 0; p < batch.PairCount; p++)
                if (global[batch.PairA[p]] != batch.Targets.A[p] || global[batch.PairB[p]] != batch.Targets.B[p])
                    Mismatches.Add($"pair {p}: local ({batch.PairA[p]}, {batch.PairB[p]}) vs global ({batch.Targets.A[p]}, {batch.Targets.B[p]})");
            return (batch.LogProbs * 0f).Mean();
        }
    }
}
