using Rebel.Tensors;

namespace Rebel.SelfPlay.Losses;

/// <summary>
/// A loss that consumes targets of type <typeparamref name="TTargets"/>: it is only ever handed a
/// <see cref="LossBatch{TTargets}"/> that carries them, so no loss can be given a batch missing what it needs.
/// </summary>
/// <typeparam name="TTargets">The targets the loss consumes; their type builds them from an iteration's signals.</typeparam>
public interface IPreferenceLoss<TTargets> : IPreferenceLoss where TTargets : ILossTargets<TTargets>
{
    /// <summary>The scalar loss to minimize (a 0-dimensional tensor, differentiable through <see cref="LossBatch{TTargets}.LogProbs"/>).</summary>
    Tensor Compute(LossBatch<TTargets> batch);

    /// <inheritdoc/>
    Type IPreferenceLoss.Targets => typeof(TTargets);

    /// <inheritdoc/>
    bool IPreferenceLoss.NeedsRewards => TTargets.NeedsRewards;

    /// <inheritdoc/>
    IBoundLoss IPreferenceLoss.Bind(IterationSignals signals) => new BoundLoss<TTargets>(this, TTargets.From(signals), signals);
}
