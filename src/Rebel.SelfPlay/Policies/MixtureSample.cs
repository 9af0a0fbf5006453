namespace Rebel.SelfPlay.Policies;

/// <summary>A completion drawn from a geometric mixture, with its log-probability under that mixture.</summary>
/// <param name="Completion">The completion.</param>
/// <param name="LogProb">ln q(y | x): the sum over its tokens of the per-token normalized mixture's log-probabilities.</param>
public sealed record MixtureSample(Completion Completion, double LogProb);
