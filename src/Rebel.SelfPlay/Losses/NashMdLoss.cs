using Rebel.Tensors;

namespace Rebel.SelfPlay.Losses;

/// <summary>
/// Nash-MD (Nash mirror descent) as a regression, the language-model form of the games' <c>nash-md</c>: both
/// completions y, y′ are drawn from the geometric mixture π_t^μ ∝ π_t^(1−ηβ)·π_ref^(ηβ) (per token), and the step
/// π_{t+1} ∝ π_t^μ · exp(η P(y ≻ π_t^μ)) is fitted by regressing
/// (1/η)·[(ln π_θ/π_t)(y) − (ln π_θ/π_t)(y′)] onto Δ = l − ½ − (1/η)·[(ln π_t − ln π_t^μ)(y) − (ln π_t − ln π_t^μ)(y′)],
/// i.e. (ln π_θ/π_t^μ)(y) − (ln π_θ/π_t^μ)(y′) onto η(l − ½). The trainer builds Δ; the loss is REBEL's squared error.
/// </summary>
/// <param name="Eta">η, the step size (&gt; 0).</param>
public sealed record NashMdLoss(double Eta) : IPreferenceLoss
{
    /// <inheritdoc/>
    public string Name => "nash-md";

    /// <inheritdoc/>
    public Tensor Compute(LossBatch batch) => new RebelLoss(Eta).Compute(batch);
}
