namespace Rebel.SelfPlay.Policies;

/// <summary>
/// A completion y of a prompt x, as the exact tokens the policy produced or would produce (re-encoding the text need
/// not give the same tokens, so log-probabilities are always computed on <see cref="Tokens"/>).
/// </summary>
/// <param name="Prompt">The prompt x.</param>
/// <param name="Text">The decoded completion (without the end-of-sequence token).</param>
/// <param name="Tokens">The completion's token ids, including the final EOS token when <paramref name="EndsWithEos"/>.</param>
/// <param name="EndsWithEos">Whether the completion ended with EOS (false when the length limit cut it off).</param>
public sealed record Completion(string Prompt, string Text, int[] Tokens, bool EndsWithEos);
