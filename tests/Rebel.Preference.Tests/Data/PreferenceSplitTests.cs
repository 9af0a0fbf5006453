using Rebel.Preference.Data;

namespace Rebel.Preference.Tests.Data;

public class PreferenceSplitTests
{
    private static List<PreferenceRecord> Records()
    {
        var list = new List<PreferenceRecord>();
        for (int prompt = 0; prompt < 2000; prompt++)
            for (int k = 0; k < 3; k++)
                list.Add(new PreferenceRecord($"prompt {prompt}", $"a{k}", $"b{k}", 0.5));
        return list;
    }

    [Test]
    public void Apply_KeepsEachPromptOnOneSide_AndHitsTheFraction()
    {
        var (train, validation) = new PreferenceSplit(0.2, seed: 5).Apply(Records());
        Assert.That(train.Count + validation.Count, Is.EqualTo(6000));
        Assert.That(train.Select(r => r.Prompt).Intersect(validation.Select(r => r.Prompt)), Is.Empty);
        double share = validation.Select(r => r.Prompt).Distinct().Count() / 2000.0;
        Assert.That(share, Is.EqualTo(0.2).Within(0.03)); // binomial sd ≈ 0.009
    }

    [Test]
    public void Apply_IsDeterministic_AndIndependentOfOrder()
    {
        var records = Records();
        var split = new PreferenceSplit(0.3, seed: 11);
        var first = split.Apply(records).Validation;
        var reversed = split.Apply(Enumerable.Reverse(records)).Validation;
        Assert.That(reversed.Select(r => r.Prompt).ToHashSet().SetEquals(first.Select(r => r.Prompt)), Is.True);
        Assert.That(new PreferenceSplit(0.3, seed: 11).Apply(records).Validation, Is.EqualTo(first));
    }

    [Test]
    public void Apply_DifferentSeeds_GiveDifferentSplits()
    {
        var a = new PreferenceSplit(0.5, seed: 1).Apply(Records()).Validation.Select(r => r.Prompt).ToHashSet();
        var b = new PreferenceSplit(0.5, seed: 2).Apply(Records()).Validation.Select(r => r.Prompt).ToHashSet();
        Assert.That(a.SetEquals(b), Is.False);
    }

    [Test]
    public void Apply_ExtremeFractions()
    {
        Assert.That(new PreferenceSplit(0.0).Apply(Records()).Validation, Is.Empty);
        Assert.That(new PreferenceSplit(1.0).Apply(Records()).Train, Is.Empty);
    }

    [Test]
    public void Constructor_BadFraction_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PreferenceSplit(-0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PreferenceSplit(1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PreferenceSplit(double.NaN));
    }
}
