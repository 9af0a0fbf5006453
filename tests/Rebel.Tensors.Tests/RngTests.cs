
namespace Rebel.Tensors.Tests;

public class RngTests
{
    [Test]
    public void DeriveSeed_IsTheStreamthOutputOfSplitMix64()
    {
        // SplitMix64 started at 0 outputs e220a8397b1dcdaf, 6e789e6aa1b965f4, 06c45d188009454f (its reference vectors)
        Assert.That(Rng.DeriveSeed(0, 1), Is.EqualTo(0xE220A8397B1DCDAFUL));
        Assert.That(Rng.DeriveSeed(0, 2), Is.EqualTo(0x6E789E6AA1B965F4UL));
        Assert.That(Rng.DeriveSeed(0, 3), Is.EqualTo(0x06C45D188009454FUL));
    }

    [Test]
    public void DeriveSeed_StreamsOfNearbySeeds_AllDiffer()
    {
        var seeds = Enumerable.Range(0, 16).SelectMany(seed => Enumerable.Range(0, 16).Select(stream => Rng.DeriveSeed((ulong)seed, (ulong)stream))).ToList();
        Assert.That(seeds.Distinct().Count(), Is.EqualTo(256));
    }

    [Test]
    public void SameSeed_SameSequence_DifferentSeed_Different()
    {
        var a = new Rng(42); var b = new Rng(42); var c = new Rng(43);
        var xa = Enumerable.Range(0, 8).Select(_ => a.NextUInt64()).ToArray();
        Assert.That(Enumerable.Range(0, 8).Select(_ => b.NextUInt64()), Is.EqualTo(xa));
        Assert.That(Enumerable.Range(0, 8).Select(_ => c.NextUInt64()), Is.Not.EqualTo(xa));
    }

    [Test]
    public void State_RestoresExactly_IncludingCachedNormal()
    {
        var rng = new Rng(5);
        rng.NextNormal(); // leaves a spare normal cached
        var state = rng.GetState();
        var expected = Enumerable.Range(0, 5).Select(_ => rng.NextNormal()).ToArray();
        var other = new Rng(999);
        other.SetState(state);
        Assert.That(Enumerable.Range(0, 5).Select(_ => other.NextNormal()), Is.EqualTo(expected));
    }

    [Test]
    public void Normal_And_Uniform_HaveExpectedMoments()
    {
        var rng = new Rng(1);
        var x = new float[200_000];
        rng.FillNormal(x, 1f, 2f);
        double mean = x.Average(v => (double)v), variance = x.Average(v => (v - mean) * (v - mean));
        Assert.That(mean, Is.EqualTo(1.0).Within(0.02));
        Assert.That(variance, Is.EqualTo(4.0).Within(0.05));
        rng.FillUniform(x, -1f, 3f);
        Assert.That(x.Min(), Is.GreaterThanOrEqualTo(-1f));
        Assert.That(x.Max(), Is.LessThan(3f));
        Assert.That(x.Average(v => (double)v), Is.EqualTo(1.0).Within(0.02));
    }

    [Test]
    public void Multinomial_FrequenciesFollowWeights_AndWithoutReplacementIsDistinct()
    {
        var rng = new Rng(3);
        var counts = new int[3];
        foreach (var i in rng.Multinomial([1f, 0f, 3f], 40_000)) counts[i]++;
        Assert.That(counts[1], Is.Zero);
        Assert.That(counts[2] / 40_000.0, Is.EqualTo(0.75).Within(0.01));
        var distinct = rng.Multinomial([1f, 1f, 1f, 1f], 4, replacement: false);
        Assert.That(distinct.Distinct().Count(), Is.EqualTo(4));
        Assert.Throws<ArgumentException>(() => rng.Multinomial([1f, 0f], 2, replacement: false));
        Assert.Throws<ArgumentException>(() => rng.Categorical([float.NaN, 1f]));
    }
}
