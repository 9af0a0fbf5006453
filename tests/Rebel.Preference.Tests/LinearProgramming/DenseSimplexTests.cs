using Rebel.Preference.LinearProgramming;

namespace Rebel.Preference.Tests.LinearProgramming;

public class DenseSimplexTests
{
    [Test]
    public void Maximize_TextbookProgram_PrimalAndDual()
    {
        // max 3x + 5y  s.t.  x ≤ 4,  2y ≤ 12,  3x + 2y ≤ 18  →  (x, y) = (2, 6), z = 36, duals (0, 3/2, 1)
        var r = DenseSimplex.Maximize(new double[,] { { 1, 0 }, { 0, 2 }, { 3, 2 } }, new double[] { 4, 12, 18 }, new double[] { 3, 5 });
        Assert.That(r.Primal, Is.EqualTo(new[] { 2.0, 6.0 }).Within(1e-12));
        Assert.That(r.Dual, Is.EqualTo(new[] { 0.0, 1.5, 1.0 }).Within(1e-12));
        Assert.That(r.Objective, Is.EqualTo(36).Within(1e-12));
    }

    [Test]
    public void Maximize_HeavilyDegenerateGame_Terminates()
    {
        // entries in {0, ½, 1} at n = 80: many ties in the ratio test
        var p = MinimaxWinnerTests.RandomPreference(new Random(80), 80, coarse: true);
        var m = new PreferenceMatrix(p);
        Assert.That(m.Exploitability(MinimaxWinner.Solve(m).Policy), Is.LessThanOrEqualTo(1e-9));
    }

    [Test]
    public void Maximize_Unbounded_Throws() =>
        Assert.Throws<InvalidOperationException>(() => DenseSimplex.Maximize(new double[,] { { -1, 1 } }, new double[] { 1 }, new double[] { 1, 0 }));

    [Test]
    public void Maximize_InfeasibleOrigin_Throws() =>
        Assert.Throws<ArgumentException>(() => DenseSimplex.Maximize(new double[,] { { 1 } }, new double[] { -1 }, new double[] { 1 }));
}
