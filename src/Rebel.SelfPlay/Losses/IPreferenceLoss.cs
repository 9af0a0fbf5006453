using Rebel.SelfPlay.Policies;

namespace Rebel.SelfPlay.Losses;

/// <summary>
/// A policy-optimization objective as the trainer sees it: what it needs, and the loss itself once bound to one
/// iteration's targets. REBEL and the baselines (SPPO, online IPO, online DPO, Nash-MD, RLOO) share the trainer's data
/// path and differ only in what they declare here — the trainer asks, it never tests a loss's name.
/// </summary>
/// <remarks>
/// Implement <see cref="IPreferenceLoss{TTargets}"/>: it supplies <see cref="Targets"/>, <see cref="NeedsRewards"/> and
/// <see cref="Bind"/> from its target type, so a loss only declares its <see cref="Name"/>, <see cref="Sampler"/>,
/// <see cref="Anchor"/> and (optionally) <see cref="Problems"/>, and computes one minibatch. To make a run's
/// <c>loss</c> name it, register a factory with <c>LossRegistry.With</c>.
/// </remarks>
public interface IPreferenceLoss
{
    /// <summary>Short name used in configs, metrics (<c>loss/NAME</c>) and reports (e.g. "rebel").</summary>
    string Name { get; }

    /// <summary>Where the iteration's completions come from: π_t itself, or a distribution built from it (Nash-MD's mixture).</summary>
    IRolloutSampler Sampler { get; }

    /// <summary>The frozen policy the loss's log-ratios are taken against: <see cref="LossBatch{TTargets}.AnchorLogProbs"/> holds its log-probabilities.</summary>
    LossAnchor Anchor { get; }

    /// <summary>The type of the targets the loss consumes (<see cref="DeltaTargets"/>, <see cref="PreferenceTargets"/>, <see cref="WinRateTargets"/>, <see cref="AdvantageTargets"/> or a type of one's own).</summary>
    Type Targets { get; }

    /// <summary>True when the targets can only be built from scalar rewards r(x, y) (reward mode), e.g. RLOO's advantages.</summary>
    bool NeedsRewards { get; }

    /// <summary>
    /// What is wrong with the loss's own settings, one phrase each in the run config's words (e.g. "needs beta &gt; 0");
    /// empty when nothing is. Options validation prefixes each with <c>loss "NAME"</c>.
    /// </summary>
    IEnumerable<string> Problems() => [];

    /// <summary>The loss of one iteration: this loss with that iteration's targets built from <paramref name="signals"/>.</summary>
    IBoundLoss Bind(IterationSignals signals);
}
