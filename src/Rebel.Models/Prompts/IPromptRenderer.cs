namespace Rebel.Models.Prompts;

/// <summary>
/// Turns a <see cref="Prompt"/> into the text a model reads before its completion. Plain text comes back unchanged
/// (so plain-text prompts encode to exactly the ids they always had); a conversation is rendered with a chat
/// template and the generation prompt, so the text ends where the assistant's reply begins.
/// </summary>
/// <remarks>
/// A renderer refuses (with <see cref="ArgumentException"/>) message content that holds text of a special token or of
/// the template's own turn markers: the rendered string is encoded with special-token text recognised, so such
/// content could otherwise open or close turns.
/// </remarks>
public interface IPromptRenderer
{
    /// <summary>A short name for messages and the run's config (e.g. <c>chatml</c>, <c>tokenizer_config.json</c>).</summary>
    string Name { get; }

    /// <summary>The text of <paramref name="prompt"/> as the model reads it.</summary>
    /// <exception cref="ArgumentException">A message's content would inject turns (see remarks).</exception>
    string Render(Prompt prompt);
}
