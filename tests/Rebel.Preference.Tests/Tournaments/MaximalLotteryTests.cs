using Rebel.Preference.Tournaments;

namespace Rebel.Preference.Tests.Tournaments;

public class MaximalLotteryTests
{
    [Test]
    public void Compute_RockPaperScissors_IsUniform_WithScoresHalf()
    {
        var l = MaximalLottery.Compute(new PairwiseResults(new double[,] { { 0, 1, 4 }, { 4, 0, 1 }, { 1, 4, 0 } }));
        Assert.That(l.Weights, Is.EqualTo(new[] { 1 / 3.0, 1 / 3.0, 1 / 3.0 }).Within(1e-12));
        Assert.That(l.NashAveragedScores, Is.EqualTo(new[] { 0.5, 0.5, 0.5 }).Within(1e-12));
    }

    [Test]
    public void Compute_CondorcetWinner_IsPure()
    {
        var w = new double[,] { { 0.5, 0.6, 0.7 }, { 0.4, 0.5, 0.9 }, { 0.3, 0.1, 0.5 } };
        var l = MaximalLottery.Compute(w, new[] { "a", "b", "c" });
        Assert.That(l.Weights, Is.EqualTo(new[] { 1.0, 0.0, 0.0 }).Within(1e-12));
        Assert.That(l.NashAveragedScores, Is.EqualTo(new[] { 0.5, 0.4, 0.3 }).Within(1e-12));
        Assert.That(l.Players, Is.EqualTo(new[] { "a", "b", "c" }));
    }

    [Test]
    public void Compute_ScoresAreAtMostHalf_AndHalfOnTheSupport()
    {
        var p = MinimaxWinnerTests.RandomPreference(new Random(21), 9, coarse: false);
        var l = MaximalLottery.Compute(p);
        for (int i = 0; i < 9; i++)
        {
            Assert.That(l.NashAveragedScores[i], Is.LessThanOrEqualTo(0.5 + 1e-12));
            if (l.Weights[i] > 1e-9) Assert.That(l.NashAveragedScores[i], Is.EqualTo(0.5).Within(1e-12));
        }
    }

    [Test]
    public void Compute_BadMatrix_Throws()
    {
        Assert.Throws<ArgumentException>(() => MaximalLottery.Compute(new double[2, 3]));
        var e = Assert.Throws<ArgumentException>(() => MaximalLottery.Compute(new double[,] { { 0.5, 1.2 }, { -0.2, 0.5 } }))!;
        Assert.That(e.Message, Does.Contain("winRates[0,1]"));
        Assert.Throws<ArgumentException>(() => MaximalLottery.Compute(new double[,] { { 0.5 } }, new[] { "a", "b" }));
    }
}
