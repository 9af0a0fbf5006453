using Rebel.Preference.Tournaments;

namespace Rebel.Preference.Tests.Tournaments;

public class BradleyTerryTests
{
    [Test]
    public void Fit_RockPaperScissors_GivesEqualRatings()
    {
        var r = BradleyTerry.Fit(new PairwiseResults(new double[,] { { 0, 2, 9 }, { 9, 0, 2 }, { 2, 9, 0 } }));
        Assert.That(r.Logits, Is.EqualTo(new[] { 0.0, 0.0, 0.0 }).Within(1e-12));
        Assert.That(r.Elo(anchor: 1, anchorRating: 1500), Is.EqualTo(new[] { 1500.0, 1500.0, 1500.0 }).Within(1e-9));
    }

    [Test]
    public void Fit_TwoPlayers_IsTheLogOdds()
    {
        // 30 wins, 10 losses: θ₀ − θ₁ = ln 3, i.e. 400·log10(3) ≈ 190.85 Elo
        var r = BradleyTerry.Fit(new PairwiseResults(new double[,] { { 0, 30 }, { 10, 0 } }, new[] { "x", "y" }));
        Assert.That(r.Logits[0] - r.Logits[1], Is.EqualTo(Math.Log(3)).Within(1e-12));
        Assert.That(r.Logits.Sum(), Is.EqualTo(0).Within(1e-12));
        Assert.That(r.Probability(0, 1), Is.EqualTo(0.75).Within(1e-12));
        var elo = r.Elo(anchor: 1);
        Assert.That(elo[1], Is.EqualTo(0));
        Assert.That(elo[0], Is.EqualTo(400 * Math.Log10(3)).Within(1e-9));
    }

    [Test]
    public void Fit_MatchesExpectedWins_AtTheMaximum()
    {
        // the MLE equations: each player's expected wins Σ_j n_ij σ(θ_i − θ_j) equal its actual wins
        var w = new double[,] { { 0, 5, 3.5, 1 }, { 2, 0, 6, 4 }, { 0.5, 1, 0, 7 }, { 3, 2, 1, 0 } };
        var results = new PairwiseResults(w);
        var r = BradleyTerry.Fit(results);
        for (int i = 0; i < 4; i++)
        {
            double actual = 0, expected = 0;
            for (int j = 0; j < 4; j++) if (j != i) { actual += w[i, j]; expected += results.Games(i, j) * r.Probability(i, j); }
            Assert.That(expected, Is.EqualTo(actual).Within(1e-9));
        }
    }

    [Test]
    public void Fit_PlayerWinsEverything_WithoutPrior_ThrowsNamingThem()
    {
        var results = new PairwiseResults(new double[,] { { 0, 3, 4 }, { 0, 0, 2 }, { 0, 1, 0 } }, new[] { "champ", "b", "c" });
        var e = Assert.Throws<ArgumentException>(() => BradleyTerry.Fit(results))!;
        Assert.That(e.Message, Does.Contain("{champ} never lost a game to {b, c}").And.Contain("Prior"));
    }

    [Test]
    public void Fit_PlayerWinsEverything_WithPrior_IsFiniteAndOnTop()
    {
        var results = new PairwiseResults(new double[,] { { 0, 3, 4 }, { 0, 0, 2 }, { 0, 1, 0 } });
        var r = BradleyTerry.Fit(results, new BradleyTerryOptions { Prior = 0.01 });
        Assert.That(r.Logits.All(double.IsFinite), Is.True);
        Assert.That(r.Logits[0], Is.GreaterThan(r.Logits[1] + 1));
        Assert.That(r.Logits[1], Is.GreaterThan(r.Logits[2]));
    }

    [Test]
    public void Fit_DisconnectedPlayers_WithoutPrior_Throws() =>
        Assert.Throws<ArgumentException>(() => BradleyTerry.Fit(new PairwiseResults(new double[,]
            { { 0, 1, 0, 0 }, { 1, 0, 0, 0 }, { 0, 0, 0, 1 }, { 0, 0, 1, 0 } })));

    [Test]
    public void Fit_OnePlayer_IsZero() =>
        Assert.That(BradleyTerry.Fit(new PairwiseResults(new double[1, 1])).Logits, Is.EqualTo(new[] { 0.0 }));

    [Test]
    public void Options_Bad_Throw()
    {
        var results = new PairwiseResults(new double[,] { { 0, 1 }, { 1, 0 } });
        Assert.Throws<ArgumentOutOfRangeException>(() => BradleyTerry.Fit(results, new BradleyTerryOptions { Prior = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => BradleyTerry.Fit(results, new BradleyTerryOptions { Tolerance = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => BradleyTerry.Fit(results, new BradleyTerryOptions { MaxIterations = 0 }));
        var r = BradleyTerry.Fit(results);
        Assert.Throws<ArgumentOutOfRangeException>(() => r.Elo(anchor: 2));
    }
}
