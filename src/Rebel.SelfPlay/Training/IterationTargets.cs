using Rebel.SelfPlay.Losses;

namespace Rebel.SelfPlay.Training;

/// <summary>The targets phase's result: the iteration's signals (Δ and the rest) and the loss bound to the targets it asked for.</summary>
/// <param name="Signals">Δ, l, win rates and (reward mode) penalized rewards of the iteration.</param>
/// <param name="Loss">The run's loss with this iteration's targets.</param>
internal sealed record IterationTargets(IterationSignals Signals, IBoundLoss Loss)
{
    /// <summary>REBEL's regression targets Δ per pair, whatever the loss (for <c>loss/r2</c> and <c>targets/mean_abs_delta</c>).</summary>
    public float[] Deltas => Signals.Deltas;
}
