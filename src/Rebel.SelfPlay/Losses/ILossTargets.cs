namespace Rebel.SelfPlay.Losses;

/// <summary>
/// The targets a loss consumes, as a type: it says whether it needs rewards, builds itself from one iteration's
/// <see cref="IterationSignals"/>, and cuts itself down to a minibatch.
/// </summary>
/// <typeparam name="TSelf">The implementing type.</typeparam>
public interface ILossTargets<TSelf> where TSelf : ILossTargets<TSelf>
{
    /// <summary>True when the targets can only be built from scalar rewards r(x, y) (reward mode).</summary>
    static abstract bool NeedsRewards { get; }

    /// <summary>The targets of a whole iteration.</summary>
    static abstract TSelf From(IterationSignals signals);

    /// <summary>
    /// The targets of a minibatch: <paramref name="completions"/> and <paramref name="pairs"/> are indices into the
    /// iteration's completions and pairs, in minibatch order.
    /// </summary>
    TSelf Select(int[] completions, int[] pairs);
}
