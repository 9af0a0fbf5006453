using System.Text.Json.Nodes;
using Rebel.Models.Chat;

namespace Rebel.Preference;

/// <summary>
/// One pairwise question: given <see cref="Prompt"/> x, does completion <see cref="A"/> beat completion
/// <see cref="B"/>? Preference models and judges answer it with P(a ≻ b | x) ∈ [0, 1].
/// </summary>
/// <remarks>
/// When x was a conversation, <see cref="Prompt"/> is its rendering (the text the policy read) and <see cref="Messages"/>
/// the messages themselves, so that a judge can show the conversation rather than the template's markup. A plain-text
/// prompt has no messages. Two comparisons are equal when their texts and their messages (in order) are.
/// </remarks>
/// <param name="Prompt">The prompt x (may be empty for context-free games).</param>
/// <param name="A">The first completion y.</param>
/// <param name="B">The second completion y′.</param>
public sealed record Comparison(string Prompt, string A, string B)
{
    /// <summary>The conversation <see cref="Prompt"/> was rendered from; null for a plain-text prompt.</summary>
    public IReadOnlyList<ChatMessage>? Messages { get; init; }

    /// <summary>The same question with the completions' positions exchanged: (x, b, a).</summary>
    public Comparison Swapped() => this with { A = B, B = A };

    /// <summary>
    /// The prompt as JSON: the messages as an array of <c>{"role", "content"}</c> objects for a conversation, else the text
    /// as a JSON string.
    /// </summary>
    public JsonNode PromptJson() =>
        Messages is null ? JsonValue.Create(Prompt) : global::Rebel.Models.Prompts.Prompt.FromMessages(Messages).ToJson();

    /// <inheritdoc/>
    public bool Equals(Comparison? other) =>
        other is not null && Prompt == other.Prompt && A == other.A && B == other.B
        && (Messages is null ? other.Messages is null : other.Messages is not null && Messages.SequenceEqual(other.Messages));

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Prompt, A, B, Messages?.Count ?? -1);
}
