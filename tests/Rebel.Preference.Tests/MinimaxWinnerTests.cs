using Rebel.Preference;

namespace Rebel.Preference.Tests;

public class MinimaxWinnerTests
{
    [Test]
    public void Solve_RockPaperScissors_IsUniformWithValueHalf()
    {
        var s = MinimaxWinner.Solve(new PreferenceMatrix(PreferenceMatrixTests.RockPaperScissors()));
        Assert.That(s.Policy, Is.EqualTo(new[] { 1 / 3.0, 1 / 3.0, 1 / 3.0 }).Within(1e-12));
        Assert.That(s.Value, Is.EqualTo(0.5).Within(1e-12));
    }

    [Test]
    public void Solve_CondorcetWinner_IsPure()
    {
        // action 2 beats everyone; the others form a cycle among themselves
        var p = new double[,]
        {
            { 0.5, 0.9, 0.2, 0.1 },
            { 0.1, 0.5, 0.8, 0.4 },
            { 0.8, 0.2, 0.5, 0.3 },
            { 0.9, 0.6, 0.7, 0.5 },
        };
        var s = MinimaxWinner.Solve(new PreferenceMatrix(p));
        Assert.That(s.Policy, Is.EqualTo(new[] { 0.0, 0.0, 0.0, 1.0 }).Within(1e-12));
        Assert.That(s.Value, Is.EqualTo(0.5).Within(1e-12));
    }

    [Test]
    public void Solve_WeightedRockPaperScissors_MatchesClosedForm()
    {
        // P − ½ has margins a′ = 0.1 (rock ≻ scissors), b′ = 0.3 (scissors ≻ paper), c′ = 0.2 (paper ≻ rock);
        // πᵀ(P − ½) = 0 gives π ∝ (b′, a′, c′) over (rock, paper, scissors) = (1/2, 1/6, 1/3).
        var p = new double[,]
        {
            { 0.5, 0.3, 0.6 },
            { 0.7, 0.5, 0.2 },
            { 0.4, 0.8, 0.5 },
        };
        var m = new PreferenceMatrix(p);
        var s = MinimaxWinner.Solve(m);
        Assert.That(s.Policy, Is.EqualTo(new[] { 0.5, 1 / 6.0, 1 / 3.0 }).Within(1e-12));
        Assert.That(m.Exploitability(s.Policy), Is.LessThanOrEqualTo(1e-12));
    }

    [Test]
    public void Solve_OneAction_IsTrivial()
    {
        var s = MinimaxWinner.Solve(new PreferenceMatrix(new double[,] { { 0.5 } }));
        Assert.That(s.Policy, Is.EqualTo(new[] { 1.0 }));
        Assert.That(s.Value, Is.EqualTo(0.5));
    }

    [Test]
    public void Solve_DuplicatedActions_StaysOptimal()
    {
        // rock, paper, scissors, rock again: any split of rock's 1/3 between its copies is optimal
        var p = new double[,]
        {
            { 0.5, 0.0, 1.0, 0.5 },
            { 1.0, 0.5, 0.0, 1.0 },
            { 0.0, 1.0, 0.5, 0.0 },
            { 0.5, 0.0, 1.0, 0.5 },
        };
        var m = new PreferenceMatrix(p);
        var s = MinimaxWinner.Solve(m);
        Assert.That(m.Exploitability(s.Policy), Is.LessThanOrEqualTo(1e-12));
        Assert.That(s.Policy[0] + s.Policy[3], Is.EqualTo(1 / 3.0).Within(1e-12));
        Assert.That(s.Policy[1], Is.EqualTo(1 / 3.0).Within(1e-12));
    }

    [Test]
    public void Solve_AllTies_IsUniform()
    {
        var p = new double[4, 4];
        for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) p[i, j] = 0.5;
        var s = MinimaxWinner.Solve(new PreferenceMatrix(p));
        Assert.That(s.Policy, Is.EqualTo(new[] { 0.25, 0.25, 0.25, 0.25 }));
        Assert.That(s.Value, Is.EqualTo(0.5));
    }

    [Test]
    public void Solve_RandomSkewMatrices_HaveZeroExploitability()
    {
        var rng = new Random(1234);
        for (int trial = 0; trial < 60; trial++)
        {
            int n = 2 + trial % 25;
            bool coarse = trial % 3 == 0; // entries in {0, ¼, ½, ¾, 1}: many ties, degenerate pivots
            var m = new PreferenceMatrix(RandomPreference(rng, n, coarse));
            var s = MinimaxWinner.Solve(m);
            Assert.That(s.Policy.Sum(), Is.EqualTo(1.0).Within(1e-12));
            Assert.That(s.Policy.All(x => x >= 0), Is.True);
            Assert.That(m.Exploitability(s.Policy), Is.LessThanOrEqualTo(1e-9), $"trial {trial}, n = {n}");
            Assert.That(s.Value, Is.EqualTo(0.5).Within(1e-9));
        }
    }

    [Test]
    public void Solve_LargeRandomSkewMatrix_IsExact()
    {
        var m = new PreferenceMatrix(RandomPreference(new Random(7), 120, coarse: false));
        var s = MinimaxWinner.Solve(m);
        Assert.That(m.Exploitability(s.Policy), Is.LessThanOrEqualTo(1e-9));
    }

    [Test]
    public void Solve_GeneralPayoff_MatchesClosedForm()
    {
        // 5p − 2 = 1 − 2p at the mixed equilibrium: p = 3/7, value 1/7
        var s = MinimaxWinner.Solve(new double[,] { { 3, -1 }, { -2, 1 } });
        Assert.That(s.Policy, Is.EqualTo(new[] { 3 / 7.0, 4 / 7.0 }).Within(1e-12));
        Assert.That(s.Value, Is.EqualTo(1 / 7.0).Within(1e-12));
    }

    [Test]
    public void Solve_SaddlePoint_IsPure()
    {
        var s = MinimaxWinner.Solve(new double[,] { { 4, 2 }, { 3, 1 } });
        Assert.That(s.Policy, Is.EqualTo(new[] { 1.0, 0.0 }).Within(1e-12));
        Assert.That(s.Value, Is.EqualTo(2.0).Within(1e-12));
    }

    [Test]
    public void Solve_RectangularPayoff_WithDominatedColumn()
    {
        var s = MinimaxWinner.Solve(new double[,] { { 1, 0, 2 }, { 0, 1, 2 } });
        Assert.That(s.Policy, Is.EqualTo(new[] { 0.5, 0.5 }).Within(1e-12));
        Assert.That(s.Value, Is.EqualTo(0.5).Within(1e-12));
    }

    [Test]
    public void Solve_WinRatesWithTies_SameStrategyAsSkewPart()
    {
        // a constant-sum win-rate matrix W (W + Wᵀ = 1): the maximin strategy of W equals that of W − Wᵀ
        var w = RandomPreference(new Random(99), 7, coarse: false);
        var skew = new double[7, 7];
        for (int i = 0; i < 7; i++) for (int j = 0; j < 7; j++) skew[i, j] = w[i, j] - w[j, i];
        var a = MinimaxWinner.Solve(w);
        var b = MinimaxWinner.Solve(skew);
        Assert.That(a.Policy, Is.EqualTo(b.Policy).Within(1e-9));
        Assert.That(b.Value, Is.EqualTo(0.0).Within(1e-9));
    }

    [Test]
    public void Solve_BadPayoff_Throws()
    {
        Assert.Throws<ArgumentException>(() => MinimaxWinner.Solve(new double[0, 2]));
        var e = Assert.Throws<ArgumentException>(() => MinimaxWinner.Solve(new double[,] { { 0, double.NaN } }))!;
        Assert.That(e.Message, Does.Contain("payoff[0,1]"));
        Assert.Throws<ArgumentException>(() => MinimaxWinner.Solve(new double[,] { { 0, double.PositiveInfinity } }));
    }

    internal static double[,] RandomPreference(Random rng, int n, bool coarse)
    {
        var p = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            p[i, i] = 0.5;
            for (int j = i + 1; j < n; j++)
            {
                double v = coarse ? rng.Next(5) / 4.0 : rng.NextDouble();
                p[i, j] = v;
                p[j, i] = 1.0 - v;
            }
        }
        return p;
    }
}
