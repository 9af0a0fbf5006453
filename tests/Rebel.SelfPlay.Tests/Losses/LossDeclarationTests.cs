using Rebel.SelfPlay.Losses;
using Rebel.SelfPlay.Training;

namespace Rebel.SelfPlay.Tests.Losses;

/// <summary>What each loss declares (sampler, anchor, targets), and how its targets are built and cut per minibatch.</summary>
public class LossDeclarationTests
{
    private static readonly RebelOptions Settings = new() { Eta = 0.5, Beta = 0.4 };

    [TestCase("rebel", LossAnchor.Iterate, typeof(DeltaTargets), false)]
    [TestCase("sppo", LossAnchor.Iterate, typeof(WinRateTargets), false)]
    [TestCase("ipo", LossAnchor.Reference, typeof(PreferenceTargets), false)]
    [TestCase("dpo", LossAnchor.Reference, typeof(PreferenceTargets), false)]
    [TestCase("nash-md", LossAnchor.Iterate, typeof(DeltaTargets), false)]
    [TestCase("rloo", LossAnchor.Iterate, typeof(AdvantageTargets), true)]
    public void EachLoss_DeclaresItsAnchorAndTargets(string name, LossAnchor anchor, Type targets, bool needsRewards)
    {
        var loss = LossRegistry.Default.Create(Settings with { Loss = name });
        Assert.That(loss.Name, Is.EqualTo(name));
        Assert.That(loss.Anchor, Is.EqualTo(anchor));
        Assert.That(loss.Targets, Is.EqualTo(targets));
        Assert.That(loss.NeedsRewards, Is.EqualTo(needsRewards));
    }

    [TestCase("rebel")]
    [TestCase("sppo")]
    [TestCase("ipo")]
    [TestCase("dpo")]
    [TestCase("rloo")]
    public void EveryLossButNashMd_SamplesThePolicyItself(string name)
    {
        var sampler = LossRegistry.Default.Create(Settings with { Loss = name }).Sampler;
        Assert.That(sampler, Is.SameAs(PolicySampler.Instance));
        Assert.That(sampler.IsOnPolicy, Is.True);
    }

    [Test]
    public void NashMd_SamplesTheGeometricMixture_WithWeightEtaBeta()
    {
        var sampler = LossRegistry.Default.Create(Settings with { Loss = "nash-md" }).Sampler;
        Assert.That(sampler, Is.EqualTo(new MixtureSampler(0.5 * 0.4)));
        Assert.That(sampler.IsOnPolicy, Is.False);
        Assert.That((Settings with { Loss = "nash-md" }).MixtureWeight, Is.EqualTo(0.2).Within(1e-15));
        Assert.That((Settings with { Loss = "rebel" }).MixtureWeight, Is.Zero);
    }

    [Test]
    public void Problems_SpeakOfTheLossesOwnSettings()
    {
        IEnumerable<string> Problems(IPreferenceLoss loss) => loss.Problems();
        Assert.That(Problems(new DpoLoss(0)), Is.EqualTo(new[] { "needs beta > 0" }));
        Assert.That(Problems(new IpoLoss(0.1)), Is.Empty);
        Assert.That(Problems(new NashMdLoss(2, 0.6)).Single(), Does.Contain("eta·beta").And.Contain("1.2"));
        Assert.That(Problems(new RebelLoss(1)), Is.Empty);
    }

    /// <summary>Two prompts with K = 3 (pairs (0,1), (0,2), (1,2) within each), then one offline pair (6, 7).</summary>
    private static IterationSignals Signals(float[]? rewards) => new()
    {
        Count = 8,
        PairA = [0, 0, 1, 3, 3, 4, 6],
        PairB = [1, 2, 2, 4, 5, 5, 7],
        Groups = [[0, 1, 2], [3, 4, 5], [6, 7]],
        Deltas = [0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f],
        Preferences = [1f, 0f, 0.5f, 1f, 1f, 0f, 0.25f],
        WinRates = [0.5f, 0.25f, 0.75f, 1f, 0f, 0.5f, 0.25f, 0.75f],
        Rewards = rewards,
    };

    [Test]
    public void Targets_AreBuiltFromTheSignals_AndCutToAMinibatch()
    {
        var signals = Signals(null);
        int[] completions = [3, 4, 5, 6, 7], pairs = [3, 4, 5, 6];
        Assert.That(DeltaTargets.From(signals).Select(completions, pairs).Delta, Is.EqualTo(new[] { 0.4f, 0.5f, 0.6f, 0.7f }));
        Assert.That(PreferenceTargets.From(signals).Select(completions, pairs).Preference, Is.EqualTo(new[] { 1f, 1f, 0f, 0.25f }));
        Assert.That(WinRateTargets.From(signals).Select(completions, pairs).WinRate, Is.EqualTo(new[] { 1f, 0f, 0.5f, 0.25f, 0.75f }));
    }

    [Test]
    public void Advantages_AreLeaveOneOutWithinEachGroup_AndNeedRewards()
    {
        float[] rewards = [1f, 2f, 6f, 0f, 0f, 3f, -1f, 1f];
        var advantages = AdvantageTargets.From(Signals(rewards)).Advantage;
        // group (1, 2, 6): 1 − 4, 2 − 3.5, 6 − 1.5; group (0, 0, 3): −1.5, −1.5, 3; offline pair (−1, 1): −2, 2
        Assert.That(advantages, Is.EqualTo(new[] { -3f, -1.5f, 4.5f, -1.5f, -1.5f, 3f, -2f, 2f }).Within(1e-6));
        Assert.That(AdvantageTargets.NeedsRewards, Is.True);
        Assert.That(() => AdvantageTargets.From(Signals(null)), Throws.InvalidOperationException.With.Message.Contains("reward mode"));
    }
}

