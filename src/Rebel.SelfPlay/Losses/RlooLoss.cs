using Rebel.Tensors;

namespace Rebel.SelfPlay.Losses;

/// <summary>
/// REINFORCE with a leave-one-out baseline (RLOO), reward mode: L(θ) = −mean_i A_i · ln π_θ(y_i | x_i), where
/// A_i = r_i − mean_{j≠i} r_j over the K samples of the same prompt (computed by the trainer, see
/// <see cref="Advantage.LeaveOneOut"/>).
/// </summary>
public sealed record RlooLoss : IPreferenceLoss
{
    /// <inheritdoc/>
    public string Name => "rloo";

    /// <inheritdoc/>
    public Tensor Compute(LossBatch batch)
    {
        var advantages = batch.Require(batch.Advantages, nameof(LossBatch.Advantages), batch.Count, Name);
        return -(batch.LogProbs * Tensor.FromArray(advantages, advantages.Length)).Mean();          // −mean A_i ln π_θ(y_i)
    }
}
