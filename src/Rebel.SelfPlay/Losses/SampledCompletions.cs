using Rebel.SelfPlay.Policies;

namespace Rebel.SelfPlay.Losses;

/// <summary>An iteration's sampled completions, prompt-major, and ln q(y | x) of the distribution they came from.</summary>
/// <param name="Completions">K completions per prompt, prompt 0's first.</param>
/// <param name="LogProbs">ln q(y_i | x_i) per completion when q ≠ π_t; null when they were drawn from π_t itself.</param>
public sealed record SampledCompletions(IReadOnlyList<Completion> Completions, float[]? LogProbs);
