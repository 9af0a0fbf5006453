namespace Rebel.Models.Prompts;

/// <summary>
/// Passes plain text through and refuses every conversation with <paramref name="reason"/>: for a model whose own chat
/// format cannot be rendered here, so that a conversation is never shown to it in a format it was not trained on.
/// </summary>
/// <param name="name">The renderer's name in messages.</param>
/// <param name="reason">Why conversations are refused (the whole error message).</param>
internal sealed class RefusingPromptRenderer(string name, string reason) : IPromptRenderer
{
    /// <inheritdoc/>
    public string Name => name;

    /// <inheritdoc/>
    public string Render(Prompt prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return prompt.IsConversation ? throw new ArgumentException(reason) : prompt.Text!;
    }
}
