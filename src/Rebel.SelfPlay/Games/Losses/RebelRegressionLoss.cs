namespace Rebel.SelfPlay.Games.Losses;

/// <summary>
/// The REBEL regression loss for tabular softmax policies:
/// L(θ) = (1/S) Σ_i ( (1/η)·[(ln π_θ(y_i) − ln π_t(y_i)) − (ln π_θ(y′_i) − ln π_t(y′_i))] − Δ_i )²,
/// with Δ_i = l_i − ½ (plus whatever the algorithm folded into the target) and π_t the batch's anchor.
/// Its minimizer on the sampled actions is θ − ln π_t = η·r̂ + const: the mirror-descent step.
/// </summary>
internal sealed class RebelRegressionLoss(double eta) : IPairLoss
{
    public double Eta { get; } = eta > 0 ? eta : throw new ArgumentOutOfRangeException(nameof(eta), eta, "η must be positive.");

    public double Evaluate(ReadOnlySpan<double> logits, PairBatch batch, Span<double> gradient, Span<double> curvature) =>
        PairDifferenceLoss.Evaluate(logits, batch, 1 / Eta, batch.Target, gradient, curvature);
}
