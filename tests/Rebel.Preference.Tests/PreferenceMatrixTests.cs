using Rebel.Preference;

namespace Rebel.Preference.Tests;

public class PreferenceMatrixTests
{
    internal static double[,] RockPaperScissors() => new double[,]
    {
        { 0.5, 0.0, 1.0 }, // rock loses to paper, beats scissors
        { 1.0, 0.5, 0.0 },
        { 0.0, 1.0, 0.5 },
    };

    [Test]
    public void Constructor_DefaultNames_AndIndexer()
    {
        var m = new PreferenceMatrix(RockPaperScissors());
        Assert.That(m.Count, Is.EqualTo(3));
        Assert.That(m.Actions, Is.EqualTo(new[] { "a0", "a1", "a2" }));
        Assert.That(m[1, 0], Is.EqualTo(1.0));
        Assert.That(m.IndexOf("a2"), Is.EqualTo(2));
    }

    [Test]
    public void Constructor_CopiesInput()
    {
        var p = RockPaperScissors();
        var m = new PreferenceMatrix(p, new[] { "rock", "paper", "scissors" });
        p[0, 1] = 0.7;
        Assert.That(m[0, 1], Is.EqualTo(0.0));
        Assert.That(m.IndexOf("paper"), Is.EqualTo(1));
    }

    [Test]
    public void Constructor_NotSquare_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => new PreferenceMatrix(new double[2, 3]))!;
        Assert.That(e.Message, Does.Contain("2×3"));
    }

    [Test]
    public void Constructor_Empty_Throws() =>
        Assert.Throws<ArgumentException>(() => new PreferenceMatrix(new double[0, 0]));

    [Test]
    public void Constructor_EntryOutsideUnitInterval_ThrowsNamingEntry()
    {
        var p = RockPaperScissors();
        p[2, 1] = 1.25;
        var e = Assert.Throws<ArgumentException>(() => new PreferenceMatrix(p))!;
        Assert.That(e.Message, Does.Contain("P[2,1] = 1.25"));
    }

    [Test]
    public void Constructor_NaN_Throws()
    {
        var p = RockPaperScissors();
        p[0, 2] = double.NaN;
        var e = Assert.Throws<ArgumentException>(() => new PreferenceMatrix(p))!;
        Assert.That(e.Message, Does.Contain("P[0,2] = NaN"));
    }

    [Test]
    public void Constructor_NotSkew_ThrowsNamingBothEntries()
    {
        var p = RockPaperScissors();
        p[0, 1] = 0.3; // P[1,0] stays 1
        var e = Assert.Throws<ArgumentException>(() => new PreferenceMatrix(p))!;
        Assert.That(e.Message, Does.Contain("P[0,1] + P[1,0] = 0.3 + 1"));
    }

    [Test]
    public void Constructor_DiagonalNotHalf_Throws()
    {
        var p = RockPaperScissors();
        p[1, 1] = 0.4;
        var e = Assert.Throws<ArgumentException>(() => new PreferenceMatrix(p))!;
        Assert.That(e.Message, Does.Contain("P[1,1] = 0.4"));
    }

    [Test]
    public void Constructor_BadNames_Throw()
    {
        Assert.Throws<ArgumentException>(() => new PreferenceMatrix(RockPaperScissors(), new[] { "r", "p" }));
        Assert.Throws<ArgumentException>(() => new PreferenceMatrix(RockPaperScissors(), new[] { "r", "p", "r" }));
        Assert.Throws<ArgumentException>(() => new PreferenceMatrix(RockPaperScissors(), new[] { "r", "", "s" }));
    }

    [Test]
    public void IndexOf_Unknown_ThrowsListingActions()
    {
        var m = new PreferenceMatrix(RockPaperScissors(), new[] { "rock", "paper", "scissors" });
        var e = Assert.Throws<KeyNotFoundException>(() => m.IndexOf("lizard"))!;
        Assert.That(e.Message, Does.Contain("lizard").And.Contain("\"scissors\""));
    }

    [Test]
    public void WinRates_AreMatrixTimesPolicy()
    {
        var m = new PreferenceMatrix(RockPaperScissors());
        var rates = m.WinRates(new[] { 1.0, 0.0, 0.0 }); // everyone against pure rock
        Assert.That(rates, Is.EqualTo(new[] { 0.5, 1.0, 0.0 }));
        rates = m.WinRates(new[] { 0.5, 0.25, 0.25 });
        Assert.That(rates[0], Is.EqualTo(0.5 * 0.5 + 0.25 * 0.0 + 0.25 * 1.0).Within(1e-15));
    }

    [Test]
    public void Exploitability_ZeroAtUniform_PositiveAtPure()
    {
        var m = new PreferenceMatrix(RockPaperScissors());
        Assert.That(m.Exploitability(new[] { 1 / 3.0, 1 / 3.0, 1 / 3.0 }), Is.EqualTo(0.0).Within(1e-15));
        Assert.That(m.Exploitability(new[] { 1.0, 0.0, 0.0 }), Is.EqualTo(0.5));
        Assert.That(m.Exploitability(new[] { 0.5, 0.5, 0.0 }), Is.EqualTo(0.25).Within(1e-15));
    }

    [Test]
    public void WinRates_BadPolicy_Throws()
    {
        var m = new PreferenceMatrix(RockPaperScissors());
        Assert.Throws<ArgumentException>(() => m.WinRates(new[] { 0.5, 0.5 }));
        Assert.Throws<ArgumentException>(() => m.WinRates(new[] { 0.5, 0.6, -0.1 }));
        Assert.Throws<ArgumentException>(() => m.WinRates(new[] { 0.5, 0.2, 0.2 }));
        Assert.Throws<ArgumentException>(() => m.Exploitability(new[] { double.NaN, 0.5, 0.5 }));
    }
}
