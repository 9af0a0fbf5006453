using Rebel.Preference.Data;

namespace Rebel.Preference.Tests.Data;

public class PreferenceStatisticsTests
{
    [Test]
    public void Compute_CountsPromptsMeanAndTies()
    {
        var s = PreferenceStatistics.Compute(new[]
        {
            new PreferenceRecord("x", "a", "b", 1.0),
            new PreferenceRecord("x", "c", "d", 0.5),
            new PreferenceRecord("y", "a", "b", 0.0),
        });
        Assert.That(s.Count, Is.EqualTo(3));
        Assert.That(s.DistinctPrompts, Is.EqualTo(2));
        Assert.That(s.MeanP, Is.EqualTo(0.5));
        Assert.That(s.Ties, Is.EqualTo(1));
        Assert.That(s.RepeatedComparisons, Is.EqualTo(0));
        Assert.That(s.Agreement, Is.Null);
    }

    [Test]
    public void Compute_Agreement_OrientsSwappedPairs()
    {
        // comparison (x, a, b) labelled three times: a ≻ b, then "b ≻ a is false" (same verdict), then b ≻ a
        var s = PreferenceStatistics.Compute(new[]
        {
            new PreferenceRecord("x", "a", "b", 1.0),
            new PreferenceRecord("x", "b", "a", 0.0),
            new PreferenceRecord("x", "b", "a", 1.0),
            new PreferenceRecord("y", "a", "b", 1.0), // another prompt: a separate comparison, not repeated
        });
        Assert.That(s.RepeatedComparisons, Is.EqualTo(1));
        Assert.That(s.Agreement, Is.EqualTo(1 / 3.0).Within(1e-15)); // label pairs: agree, disagree, disagree
    }

    [Test]
    public void Compute_Agreement_SoftLabels()
    {
        var s = PreferenceStatistics.Compute(new[]
        {
            new PreferenceRecord("x", "a", "b", 0.8),
            new PreferenceRecord("x", "a", "b", 0.6),
        });
        Assert.That(s.Agreement, Is.EqualTo(0.8 * 0.6 + 0.2 * 0.4).Within(1e-15));
    }

    [Test]
    public void Compute_LengthBias_CountsLongerPreferred()
    {
        var s = PreferenceStatistics.Compute(new[]
        {
            new PreferenceRecord("x", "long one", "s", 1.0),  // longer preferred
            new PreferenceRecord("x", "s", "long one", 0.2),  // b preferred, b longer
            new PreferenceRecord("x", "long one", "s", 0.3),  // shorter preferred
            new PreferenceRecord("x", "same", "size", 1.0),   // equal length: excluded
            new PreferenceRecord("x", "long one", "s", 0.5),  // tie: excluded
        });
        Assert.That(s.LengthBias, Is.EqualTo(2 / 3.0).Within(1e-15));
    }

    [Test]
    public void Compute_Empty_Throws() =>
        Assert.Throws<ArgumentException>(() => PreferenceStatistics.Compute(Array.Empty<PreferenceRecord>()));
}
