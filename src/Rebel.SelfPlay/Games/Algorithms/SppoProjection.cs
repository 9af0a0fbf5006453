namespace Rebel.SelfPlay.Games.Algorithms;

/// <summary>
/// The exact minimizer of SPPO's population loss over normalized policies:
/// minimize Σ_y π_t(y)(u_y − a_y)² subject to Σ_y π_t(y) e^{u_y} = 1, where u = ln π/π_t and a = η(r_t − ½).
/// Stationarity gives u_y + c·e^{u_y} = a_y for one multiplier c; since Σ π_t a = 0 (because π_tᵀ P π_t = ½),
/// Jensen gives Σ π_t e^{a} ≥ 1, so c ≥ 0. For a given c each u_y is found by Newton's method (the left side
/// is increasing and convex in u_y), and c by bisection on Σ π_t e^{u(c)} = 1, which decreases in c.
/// </summary>
internal static class SppoProjection
{
    public static double[] Solve(ReadOnlySpan<double> probs, ReadOnlySpan<double> targets)
    {
        var n = probs.Length;
        var u = new double[n];
        var low = 0.0;
        var high = 1.0;
        while (Mass(probs, targets, high, u) > 1) high *= 2; // bracket: mass(0) ≥ 1 > mass(high)
        for (var iteration = 0; iteration < 100 && high - low > 1e-15 * Math.Max(1, high); iteration++)
        {
            var mid = 0.5 * (low + high);
            if (Mass(probs, targets, mid, u) > 1) low = mid; else high = mid;
        }
        Mass(probs, targets, 0.5 * (low + high), u);
        return u;
    }

    /// <summary>Solves u_y + c e^{u_y} = a_y for every y (into <paramref name="u"/>) and returns Σ π e^{u}.</summary>
    private static double Mass(ReadOnlySpan<double> probs, ReadOnlySpan<double> targets, double c, double[] u)
    {
        var mass = 0.0;
        for (var y = 0; y < probs.Length; y++)
        {
            var value = targets[y]; // f(a) = c e^a ≥ 0: Newton from the right decreases monotonically to the root
            for (var step = 0; step < 50; step++)
            {
                var e = c * Math.Exp(value);
                var f = value + e - targets[y];
                var next = value - f / (1 + e);
                if (Math.Abs(next - value) <= 1e-15 * Math.Max(1, Math.Abs(value))) { value = next; break; }
                value = next;
            }
            u[y] = value;
            mass += probs[y] * Math.Exp(value);
        }
        return mass;
    }
}
