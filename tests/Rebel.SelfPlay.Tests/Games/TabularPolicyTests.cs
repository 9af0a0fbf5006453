using Rebel.SelfPlay.Games;

namespace Rebel.SelfPlay.Tests.Games;

public class TabularPolicyTests
{
    private static readonly string[] Actions = ["a", "b", "c"];

    [Test]
    public void NewPolicy_IsUniform()
    {
        var policy = new TabularPolicy(Actions);
        Assert.That(policy.Probabilities(), Is.EqualTo(new[] { 1 / 3.0, 1 / 3.0, 1 / 3.0 }).Within(1e-15));
        Assert.That(policy.LogProbability(1), Is.EqualTo(-Math.Log(3)).Within(1e-15));
    }

    [Test]
    public void Probabilities_AreSoftmaxOfLogits_EvenForHugeLogits()
    {
        var policy = new TabularPolicy(Actions);
        policy.Logits()[0] = 1000;
        policy.Logits()[1] = 999;
        policy.Logits()[2] = -1000;
        var probs = policy.Probabilities();
        var e = Math.Exp(-1);
        Assert.That(probs[0], Is.EqualTo(1 / (1 + e)).Within(1e-13));
        Assert.That(probs[1], Is.EqualTo(e / (1 + e)).Within(1e-13));
        Assert.That(probs[2], Is.EqualTo(0).Within(1e-300));
        var logProbs = policy.LogProbabilities();
        Assert.That(logProbs[2], Is.EqualTo(-2000 - Math.Log(1 + e)).Within(1e-9));
    }

    [Test]
    public void Sample_FrequenciesMatchProbabilities()
    {
        var policy = TabularPolicy.FromProbabilities(Actions, [0.2, 0.5, 0.3]);
        var draws = policy.SampleMany(new Random(7), 100_000);
        var counts = new double[3];
        foreach (var d in draws) counts[d]++;
        // Binomial standard deviation ≤ sqrt(0.25/1e5) ≈ 0.0016; allow 4 of them.
        Assert.That(counts[0] / draws.Length, Is.EqualTo(0.2).Within(0.0064));
        Assert.That(counts[1] / draws.Length, Is.EqualTo(0.5).Within(0.0064));
        Assert.That(counts[2] / draws.Length, Is.EqualTo(0.3).Within(0.0064));
    }

    [Test]
    public void Sample_SameSeed_SameDraws()
    {
        var policy = TabularPolicy.FromProbabilities(Actions, [0.2, 0.5, 0.3]);
        Assert.That(policy.SampleMany(new Random(3), 50), Is.EqualTo(policy.SampleMany(new Random(3), 50)));
        Assert.That(policy.SampleMany(new Random(3), 50), Is.Not.EqualTo(policy.SampleMany(new Random(4), 50)));
    }

    [Test]
    public void Snapshot_IsIndependentCopy()
    {
        var policy = TabularPolicy.FromProbabilities(Actions, [0.2, 0.5, 0.3]);
        var frozen = policy.Snapshot();
        policy.Logits()[0] += 5;
        Assert.That(frozen.Probabilities()[0], Is.EqualTo(0.2).Within(1e-12));
        frozen.CopyFrom(policy);
        Assert.That(frozen.Probabilities(), Is.EqualTo(policy.Probabilities()));
    }

    [Test]
    public void Contexts_HaveSeparateLogits()
    {
        var policy = new TabularPolicy(Actions, ["x", "y"]);
        policy.Logits(1)[2] = 3;
        Assert.That(policy.Probabilities(0), Is.EqualTo(new[] { 1 / 3.0, 1 / 3.0, 1 / 3.0 }).Within(1e-15));
        Assert.That(policy.Probabilities(1)[2], Is.GreaterThan(0.9));
        Assert.That(policy.Snapshot().Probabilities(1)[2], Is.EqualTo(policy.Probabilities(1)[2]));
    }

    [Test]
    public void BadInput_Throws()
    {
        Assert.Throws<ArgumentException>(() => new TabularPolicy([]));
        Assert.Throws<ArgumentException>(() => new TabularPolicy(["a", "a"]));
        Assert.Throws<ArgumentException>(() => new TabularPolicy(["a", " "]));
        Assert.Throws<ArgumentException>(() => TabularPolicy.FromProbabilities(Actions, [0.5, 0.5]));
        Assert.Throws<ArgumentException>(() => TabularPolicy.FromProbabilities(Actions, [0.5, 0.6, -0.1]));
        Assert.Throws<ArgumentException>(() => TabularPolicy.FromProbabilities(Actions, [0.5, 0.6, 0.1]));
        var policy = new TabularPolicy(Actions);
        Assert.Throws<ArgumentOutOfRangeException>(() => policy.Logits(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => policy.LogProbability(3));
        var ex = Assert.Throws<ArgumentException>(() => policy.CopyFrom(new TabularPolicy(["a", "b"])));
        Assert.That(ex!.Message, Does.Contain("1×2").And.Contain("1×3"));
    }
}
