namespace Rebel.Preference;

/// <summary>
/// One pairwise question: given <see cref="Prompt"/> x, does completion <see cref="A"/> beat completion
/// <see cref="B"/>? Preference models and judges answer it with P(a ≻ b | x) ∈ [0, 1].
/// </summary>
/// <param name="Prompt">The prompt x (may be empty for context-free games).</param>
/// <param name="A">The first completion y.</param>
/// <param name="B">The second completion y′.</param>
public sealed record Comparison(string Prompt, string A, string B)
{
    /// <summary>The same question with the completions' positions exchanged: (x, b, a).</summary>
    public Comparison Swapped() => new(Prompt, B, A);
}
