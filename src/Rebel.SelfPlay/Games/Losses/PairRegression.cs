namespace Rebel.SelfPlay.Games.Losses;

/// <summary>
/// Minimizes an <see cref="IPairLoss"/> over the logits by a few diagonally preconditioned gradient steps:
/// θ_k ← θ_k − ω · (∂L/∂θ_k) / GN_k for every action with GN_k &gt; 0 (actions the batch never touches keep
/// their logits). With ω = ½ this is damped Jacobi on the least-squares normal equations: it converges for the
/// REBEL and IPO losses, and it makes the step on a rarely sampled action as large as on a frequent one, as a
/// per-parameter adaptive optimizer (Adam) would.
/// </summary>
internal static class PairRegression
{
    /// <summary>Runs <paramref name="steps"/> steps from the given logits (changed in place); returns the final loss.</summary>
    public static double Fit(IPairLoss loss, PairBatch batch, Span<double> logits, int steps, double stepSize)
    {
        var n = logits.Length;
        var gradient = new double[n];
        var curvature = new double[n];
        for (var step = 0; step < steps; step++)
        {
            loss.Evaluate(logits, batch, gradient, curvature);
            for (var k = 0; k < n; k++)
                if (curvature[k] > 0) logits[k] -= stepSize * gradient[k] / curvature[k];
        }
        return loss.Evaluate(logits, batch, gradient, curvature);
    }
}
