namespace Rebel.SelfPlay.Games.Losses;

/// <summary>
/// The (online) IPO loss with soft labels and the batch's anchor as π_ref:
/// L(θ) = (1/S) Σ_i ( [ln π_θ(y_i)/π_ref(y_i) − ln π_θ(y′_i)/π_ref(y′_i)] − Δ_i/β )², Δ_i = l_i − ½.
/// Its minimizer is π ∝ π_ref·exp(r̂/β); online IPO takes gradient steps on it with pairs from π_t.
/// </summary>
internal sealed class IpoLoss(double beta) : IPairLoss
{
    public double Beta { get; } = beta > 0 ? beta : throw new ArgumentOutOfRangeException(nameof(beta), beta, "β must be positive.");

    public double Evaluate(ReadOnlySpan<double> logits, PairBatch batch, Span<double> gradient, Span<double> curvature)
    {
        var targets = new double[batch.Count];
        for (var i = 0; i < targets.Length; i++) targets[i] = batch.Target[i] / Beta; // Δ/β
        return PairDifferenceLoss.Evaluate(logits, batch, 1, targets, gradient, curvature);
    }
}
