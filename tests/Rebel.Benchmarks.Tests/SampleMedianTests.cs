using Rebel.Benchmarks;

namespace Rebel.Benchmarks.Tests;

public class SampleMedianTests
{
    [Test]
    public void Of_OddAndEvenCounts_MiddleOrMeanOfTheTwoMiddle_WithoutReordering()
    {
        var odd = new List<double> { 5, 1, 3 };
        Assert.That(SampleMedian.Of(odd), Is.EqualTo(3));
        Assert.That(odd, Is.EqualTo(new[] { 5.0, 1, 3 }));
        Assert.That(SampleMedian.Of(new List<double> { 4, 1, 10, 2 }), Is.EqualTo(3));
        Assert.That(SampleMedian.Of(new List<double> { 7 }), Is.EqualTo(7));
    }

    [Test]
    public void Of_NoSamples_Throws()
    {
        Assert.Throws<ArgumentException>(() => SampleMedian.Of(new List<double>()));
    }
}
