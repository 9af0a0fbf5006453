namespace Rebel.SelfPlay.Games.Losses;

/// <summary>
/// A loss over a <see cref="PairBatch"/> as a function of the trainable logits θ (one row, n actions).
/// Every loss here is a mean of squared residuals, L(θ) = (1/m) Σ_i ρ_i(θ)², so it also reports the
/// Gauss–Newton diagonal (2/m) Σ_i (∂ρ_i/∂θ_k)², which <see cref="PairRegression"/> uses as a preconditioner.
/// </summary>
internal interface IPairLoss
{
    /// <summary>Returns L(θ); overwrites <paramref name="gradient"/> with ∂L/∂θ and <paramref name="curvature"/>
    /// with the Gauss–Newton diagonal (both of length n).</summary>
    double Evaluate(ReadOnlySpan<double> logits, PairBatch batch, Span<double> gradient, Span<double> curvature);
}
