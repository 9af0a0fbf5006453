using Rebel.Tensors;

namespace Rebel.SelfPlay.Losses;

/// <summary>
/// REINFORCE with a leave-one-out baseline (RLOO), reward mode: L(θ) = −mean_i A_i · ln π_θ(y_i | x_i), where
/// A_i = r_i − mean_{j≠i} r_j over the K samples of the same prompt (<see cref="AdvantageTargets"/>).
/// Samples π_t (its anchor: the gradient is on-policy there); consumes advantages, so needs rewards.
/// </summary>
public sealed record RlooLoss : IPreferenceLoss<AdvantageTargets>
{
    /// <inheritdoc/>
    public string Name => "rloo";

    /// <inheritdoc/>
    public IRolloutSampler Sampler => PolicySampler.Instance;

    /// <inheritdoc/>
    public LossAnchor Anchor => LossAnchor.Iterate;

    /// <inheritdoc/>
    public Tensor Compute(LossBatch<AdvantageTargets> batch)
    {
        var advantages = batch.Sized(batch.Targets.Advantage, nameof(AdvantageTargets.Advantage), batch.Count, Name);
        return -(batch.LogProbs * Tensor.FromArray(advantages, advantages.Length)).Mean();          // −mean A_i ln π_θ(y_i)
    }
}
