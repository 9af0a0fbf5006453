namespace Rebel.SelfPlay.Games.Sampling;

/// <summary>
/// The sampled-mode step of the game algorithms: it minimizes one of the <see cref="PairRegressionKernels"/> over
/// the logits by a few diagonally preconditioned gradient steps, θ_k ← θ_k − ω · (∂L/∂θ_k) / GN_k, for every action
/// the batch touches (one that appears in some pair) with GN_k &gt; 0; actions the batch never touches keep their
/// logits. With ω = ½ this is damped Jacobi on the least-squares normal equations: it converges for the REBEL and IPO
/// objectives, and it makes the step on a rarely sampled action as large as on a frequent one, as a per-parameter
/// adaptive optimizer (Adam) would.
/// </summary>
/// <remarks>
/// Untouched actions must be held explicitly for objectives whose normalizer does not cancel (SPPO): there an
/// untouched action k still has ∂L/∂θ_k ∝ π_k·Σ residuals and GN_k ∝ π_k², so the Jacobi step grows like 1/π_k and
/// threw rarely sampled actions to ±∞ logits, collapsing sampled SPPO to a nearly pure policy.
/// </remarks>
internal static class PairRegression
{
    /// <summary>L, ∂L/∂θ and GN at θ (the last two overwritten).</summary>
    internal delegate double Objective(ReadOnlySpan<double> logits, Span<double> gradient, Span<double> curvature);

    /// <summary>REBEL: (1/η)[(ln π_θ/π_a)(y) − (ln π_θ/π_a)(y′)] regressed onto the batch's target Δ.</summary>
    public static double FitRebel(PairBatch batch, Span<double> logits, double eta, int steps, double stepSize)
    {
        var scale = 1 / RequirePositive(eta, nameof(eta));
        return Fit((t, g, c) => PairRegressionKernels.Difference(t, batch, scale, batch.Target, g, c), batch, logits, steps, stepSize);
    }

    /// <summary>IPO: [(ln π_θ/π_a)(y) − (ln π_θ/π_a)(y′)] regressed onto Δ/β.</summary>
    public static double FitIpo(PairBatch batch, Span<double> logits, double beta, int steps, double stepSize)
    {
        RequirePositive(beta, nameof(beta));
        var targets = new double[batch.Count];
        for (var i = 0; i < targets.Length; i++) targets[i] = batch.Target[i] / beta; // Δ/β
        return Fit((t, g, c) => PairRegressionKernels.Difference(t, batch, 1, targets, g, c), batch, logits, steps, stepSize);
    }

    /// <summary>SPPO: each side's ln π_θ/π_a regressed onto ±ηΔ.</summary>
    public static double FitSppo(PairBatch batch, Span<double> logits, double eta, int steps, double stepSize)
    {
        RequirePositive(eta, nameof(eta));
        return Fit((t, g, c) => PairRegressionKernels.Sppo(t, batch, eta, g, c), batch, logits, steps, stepSize);
    }

    /// <summary>Runs <paramref name="steps"/> steps from the given logits (changed in place); returns the final L.</summary>
    private static double Fit(Objective objective, PairBatch batch, Span<double> logits, int steps, double stepSize)
    {
        var n = logits.Length;
        var gradient = new double[n];
        var curvature = new double[n];
        var touched = new bool[n];
        for (var i = 0; i < batch.Count; i++) touched[batch.First[i]] = touched[batch.Second[i]] = true;
        for (var step = 0; step < steps; step++)
        {
            objective(logits, gradient, curvature);
            for (var k = 0; k < n; k++)
                if (touched[k] && curvature[k] > 0) logits[k] -= stepSize * gradient[k] / curvature[k];
        }
        return objective(logits, gradient, curvature);
    }

    private static double RequirePositive(double value, string name) =>
        value > 0 ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive.");
}
