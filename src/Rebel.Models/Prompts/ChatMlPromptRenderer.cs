using System.Text;
using Rebel.Models.Chat;

namespace Rebel.Models.Prompts;

/// <summary>
/// The fallback for a model without a chat template of its own (GPT-2 and the default task's models): ChatML, the
/// turn format Qwen and SmolLM2 use, written as plain text. A conversation
/// <c>[{"role":"system","content":S},{"role":"user","content":U}]</c> renders as
/// <c>"&lt;|im_start|&gt;system\nS&lt;|im_end|&gt;\n&lt;|im_start|&gt;user\nU&lt;|im_end|&gt;\n&lt;|im_start|&gt;assistant\n"</c>:
/// each message as <c>&lt;|im_start|&gt;ROLE\nCONTENT&lt;|im_end|&gt;\n</c>, then the generation prompt. No default system
/// message is added. Plain text is returned unchanged.
/// </summary>
/// <remarks>
/// For a tokenizer without <c>&lt;|im_start|&gt;</c>/<c>&lt;|im_end|&gt;</c> tokens (GPT-2) the markers are ordinary
/// text, so the model only learns the format from its data; the completion after the generation prompt ends with the
/// tokenizer's EOS, as every completion does. Content holding a marker or the text of one of
/// <paramref name="specialTokens"/> is refused, so a message cannot forge a turn or an EOS.
/// </remarks>
/// <param name="specialTokens">Texts of the tokenizer's special tokens, refused inside message content.</param>
public sealed class ChatMlPromptRenderer(IEnumerable<string> specialTokens) : IPromptRenderer
{
    /// <summary>Opens a turn: <c>&lt;|im_start|&gt;</c>.</summary>
    public const string TurnStart = "<|im_start|>";

    /// <summary>Closes a turn: <c>&lt;|im_end|&gt;</c>.</summary>
    public const string TurnEnd = "<|im_end|>";

    private readonly string[] _refused = [.. new[] { TurnStart, TurnEnd }.Concat(specialTokens).Where(t => t.Length > 0).Distinct()];

    /// <inheritdoc/>
    public string Name => "chatml";

    /// <inheritdoc/>
    public string Render(Prompt prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (prompt.Messages is not { } messages) return prompt.Text!;
        var text = new StringBuilder();
        for (int i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            if (_refused.FirstOrDefault(t => message.Content.Contains(t, StringComparison.Ordinal)) is { } token)
                throw new ArgumentException($"message {i + 1} ({message.Role}) contains the special text \"{token}\"; refused so that content cannot open or close turns");
            text.Append(TurnStart).Append(message.Role).Append('\n').Append(message.Content).Append(TurnEnd).Append('\n');
        }
        return text.Append(TurnStart).Append(ChatMessage.AssistantRole).Append('\n').ToString();
    }
}
