namespace Rebel.SelfPlay.Games.Losses;

/// <summary>
/// Minimizes an <see cref="IPairLoss"/> over the logits by a few diagonally preconditioned gradient steps:
/// θ_k ← θ_k − ω · (∂L/∂θ_k) / GN_k for every action the batch touches (one that appears in some pair) with
/// GN_k &gt; 0; actions the batch never touches keep their logits. With ω = ½ this is damped Jacobi on the
/// least-squares normal equations: it converges for the REBEL and IPO losses, and it makes the step on a rarely
/// sampled action as large as on a frequent one, as a per-parameter adaptive optimizer (Adam) would.
/// </summary>
/// <remarks>
/// Untouched actions must be held explicitly for losses whose normalizer does not cancel (SPPO): there an untouched
/// action k still has ∂L/∂θ_k ∝ π_k·Σ residuals and GN_k ∝ π_k², so the Jacobi step grows like 1/π_k and threw
/// rarely sampled actions to ±∞ logits, collapsing sampled SPPO to a nearly pure policy.
/// </remarks>
internal static class PairRegression
{
    /// <summary>Runs <paramref name="steps"/> steps from the given logits (changed in place); returns the final loss.</summary>
    public static double Fit(IPairLoss loss, PairBatch batch, Span<double> logits, int steps, double stepSize)
    {
        var n = logits.Length;
        var gradient = new double[n];
        var curvature = new double[n];
        var touched = new bool[n];
        for (var i = 0; i < batch.Count; i++) touched[batch.First[i]] = touched[batch.Second[i]] = true;
        for (var step = 0; step < steps; step++)
        {
            loss.Evaluate(logits, batch, gradient, curvature);
            for (var k = 0; k < n; k++)
                if (touched[k] && curvature[k] > 0) logits[k] -= stepSize * gradient[k] / curvature[k];
        }
        return loss.Evaluate(logits, batch, gradient, curvature);
    }
}
