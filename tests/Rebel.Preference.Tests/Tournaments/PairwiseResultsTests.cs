using Rebel.Preference.Tournaments;

namespace Rebel.Preference.Tests.Tournaments;

public class PairwiseResultsTests
{
    [Test]
    public void FromGames_CountsTiesAsHalves()
    {
        var r = PairwiseResults.FromGames(3, new[]
        {
            new GameOutcome(0, 1, 1), new GameOutcome(1, 0, 0.5), new GameOutcome(0, 1, 0),
        });
        Assert.That(r.Wins(0, 1), Is.EqualTo(1.5));
        Assert.That(r.Wins(1, 0), Is.EqualTo(1.5));
        Assert.That(r.Games(0, 1), Is.EqualTo(3));
        Assert.That(r.WinRate(0, 1), Is.EqualTo(0.5));
        Assert.That(r.WinRate(0, 2), Is.NaN);
        Assert.That(r.WinRates(unplayed: 0.5)[0, 2], Is.EqualTo(0.5));
        Assert.That(r.Players, Is.EqualTo(new[] { "p0", "p1", "p2" }));
    }

    [Test]
    public void FromWinRates_AndSum()
    {
        var r = PairwiseResults.FromWinRates(new double[,] { { 0.5, 0.25 }, { 0.75, 0.5 } }, new double[,] { { 0, 8 }, { 8, 0 } });
        Assert.That(r.Wins(0, 1), Is.EqualTo(2));
        Assert.That(r.Wins(1, 0), Is.EqualTo(6));
        var total = PairwiseResults.Sum(new[] { r, r });
        Assert.That(total.Games(0, 1), Is.EqualTo(16));
        Assert.That(total.WinRate(1, 0), Is.EqualTo(0.75));
    }

    [Test]
    public void BadInput_Throws()
    {
        Assert.Throws<ArgumentException>(() => new PairwiseResults(new double[2, 3]));
        var e = Assert.Throws<ArgumentException>(() => new PairwiseResults(new double[,] { { 0, -1 }, { 1, 0 } }))!;
        Assert.That(e.Message, Does.Contain("wins[0,1]"));
        Assert.Throws<ArgumentException>(() => new PairwiseResults(new double[2, 2], new[] { "a", "a" }));
        Assert.Throws<ArgumentException>(() => PairwiseResults.FromWinRates(new double[,] { { 0.5, 0.3 }, { 0.3, 0.5 } }, new double[,] { { 0, 2 }, { 2, 0 } }));
        Assert.Throws<ArgumentException>(() => PairwiseResults.FromWinRates(new double[,] { { 0.5, 0.3 }, { 0.7, 0.5 } }, new double[,] { { 0, 2 }, { 3, 0 } }));
        Assert.Throws<ArgumentException>(() => PairwiseResults.Sum(new[] { new PairwiseResults(new double[2, 2]), new PairwiseResults(new double[3, 3]) }));
        Assert.Throws<ArgumentException>(() => PairwiseResults.Sum(Array.Empty<PairwiseResults>()));
    }
}
