using Rebel.Tensors;

namespace Rebel.SelfPlay.Losses;

/// <summary>
/// Nash-MD (Nash mirror descent) as a regression, the language-model form of the games' <c>nash-md</c>: both
/// completions y, y′ are drawn from the geometric mixture π_t^μ ∝ π_t^(1−ηβ)·π_ref^(ηβ) (per token), and the step
/// π_{t+1} ∝ π_t^μ · exp(η P(y ≻ π_t^μ)) is fitted by regressing
/// (1/η)·[(ln π_θ/π_t)(y) − (ln π_θ/π_t)(y′)] onto Δ = l − ½ − (1/η)·[(ln π_t − ln π_t^μ)(y) − (ln π_t − ln π_t^μ)(y′)],
/// i.e. (ln π_θ/π_t^μ)(y) − (ln π_θ/π_t^μ)(y′) onto η(l − ½). The trainer builds Δ for samples of any q ≠ π_t this
/// way; the loss is REBEL's squared error. Samples the mixture, anchors on π_t, consumes Δ.
/// </summary>
/// <param name="Eta">η, the step size (&gt; 0).</param>
/// <param name="Beta">β, the regularization toward π_ref: the mixture puts weight ηβ on it (0 &lt; ηβ ≤ 1).</param>
public sealed record NashMdLoss(double Eta, double Beta) : IPreferenceLoss<DeltaTargets>
{
    /// <inheritdoc/>
    public string Name => "nash-md";

    /// <inheritdoc/>
    public IRolloutSampler Sampler => new MixtureSampler(Eta * Beta);                            // y, y′ ~ π_t^(1−ηβ)·π_ref^(ηβ)

    /// <inheritdoc/>
    public LossAnchor Anchor => LossAnchor.Iterate;

    /// <inheritdoc/>
    public IEnumerable<string> Problems()
    {
        if (!(Beta > 0 && Eta * Beta <= 1)) yield return $"needs 0 < eta·beta ≤ 1 (the mixture's weight on π_ref), got {Eta * Beta}";
    }

    /// <inheritdoc/>
    public Tensor Compute(LossBatch<DeltaTargets> batch) => new RebelLoss(Eta).Compute(batch);
}
