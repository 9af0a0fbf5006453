using Rebel.Preference.Statistics;

namespace Rebel.Preference.Tests.Statistics;

public class BootstrapTests
{
    private static double[] Mean(IReadOnlyList<double> xs) => new[] { xs.Average() };

    [Test]
    public void PercentileIntervals_MeanOfCoinFlips_CoversAndHasTheNormalWidth()
    {
        var rng = new Random(8);
        var outcomes = Enumerable.Range(0, 400).Select(_ => rng.NextDouble() < 0.3 ? 1.0 : 0.0).ToArray();
        var ci = Bootstrap.PercentileIntervals(outcomes, Mean, new BootstrapOptions { Resamples = 2000, Seed = 1 })[0];
        double mean = outcomes.Average(), se = Math.Sqrt(mean * (1 - mean) / outcomes.Length);
        Assert.That(ci.Estimate, Is.EqualTo(mean));
        Assert.That(ci.Lower, Is.EqualTo(mean - 1.96 * se).Within(0.25 * se));
        Assert.That(ci.Upper, Is.EqualTo(mean + 1.96 * se).Within(0.25 * se));
        Assert.That(ci.Contains(mean), Is.True);
    }

    [Test]
    public void PercentileIntervals_AreDeterministicPerSeed()
    {
        var xs = Enumerable.Range(0, 50).Select(i => (double)(i * i % 17)).ToArray();
        var a = Bootstrap.PercentileIntervals(xs, Mean, new BootstrapOptions { Resamples = 200, Seed = 3 });
        var b = Bootstrap.PercentileIntervals(xs, Mean, new BootstrapOptions { Resamples = 200, Seed = 3 });
        var c = Bootstrap.PercentileIntervals(xs, Mean, new BootstrapOptions { Resamples = 200, Seed = 4 });
        Assert.That(a, Is.EqualTo(b));
        Assert.That(a, Is.Not.EqualTo(c));
    }

    [Test]
    public void PercentileIntervals_VectorStatistic_NaNComponentsDropped()
    {
        var xs = new[] { 1.0, 2.0, 3.0, 4.0 };
        var ci = Bootstrap.PercentileIntervals(xs, s => new[] { s.Min(), s.Contains(4.0) ? 1.0 : double.NaN, double.NaN },
            new BootstrapOptions { Resamples = 300 });
        Assert.That(ci[0].Lower, Is.EqualTo(1.0));
        Assert.That(ci[0].Upper, Is.LessThanOrEqualTo(3.0));
        Assert.That(ci[1].Lower, Is.EqualTo(1.0));
        Assert.That(ci[2].Lower, Is.NaN);
    }

    [Test]
    public void Quantile_InterpolatesLinearly()
    {
        var sorted = new[] { 0.0, 10.0, 20.0, 30.0, 40.0 };
        Assert.That(Bootstrap.Quantile(sorted, 0.5), Is.EqualTo(20.0));
        Assert.That(Bootstrap.Quantile(sorted, 0.125), Is.EqualTo(5.0));
        Assert.That(Bootstrap.Quantile(sorted, 1.0), Is.EqualTo(40.0));
    }

    [Test]
    public void PercentileIntervals_BadInput_Throws()
    {
        Assert.Throws<ArgumentException>(() => Bootstrap.PercentileIntervals(Array.Empty<double>(), Mean));
        Assert.Throws<ArgumentOutOfRangeException>(() => Bootstrap.PercentileIntervals(new[] { 1.0 }, Mean, new BootstrapOptions { Resamples = 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Bootstrap.PercentileIntervals(new[] { 1.0 }, Mean, new BootstrapOptions { Confidence = 1 }));
        int calls = 0;
        Assert.Throws<ArgumentException>(() => Bootstrap.PercentileIntervals(new[] { 1.0, 2.0 }, s => new double[++calls == 1 ? 1 : 2]));
    }
}
