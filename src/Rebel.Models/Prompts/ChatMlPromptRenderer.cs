using System.Text;
using Rebel.Models.Chat;
using Rebel.Models.Tokenization;

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
    private readonly RenderedConversations _rendered = new();

    /// <inheritdoc/>
    public string Name => "chatml";

    /// <summary>Null: the fallback's replies end with the tokenizer's EOS (its markers are not tokens of GPT-2's vocabulary).</summary>
    public string? EndOfTurnToken => null;

    /// <inheritdoc/>
    public IReadOnlyList<ChatMessage>? ConversationOf(string text) => _rendered.MessagesOf(text);

    /// <inheritdoc/>
    /// <remarks>Content holds no special-token text (it is refused), so this is <c>tokenizer.Encode(text)</c>.</remarks>
    public int[] Encode(ITokenizer tokenizer, string text)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        return tokenizer.Encode(text);
    }

    /// <inheritdoc/>
    public string Render(Prompt prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (prompt.Messages is not { } messages) return prompt.Text!;
        var segments = new List<ChatSegment>();
        var markup = new StringBuilder();
        for (int i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            if (_refused.FirstOrDefault(t => message.Content.Contains(t, StringComparison.Ordinal)) is { } token)
                throw new ArgumentException($"message {i + 1} ({message.Role}) contains the special text \"{token}\"; refused so that content cannot open or close turns");
            markup.Append(TurnStart).Append(message.Role).Append('\n');
            if (message.Content.Length > 0)
            {
                segments.Add(new ChatSegment(markup.ToString(), ChatSegmentKind.Template));
                segments.Add(new ChatSegment(message.Content, ChatSegmentKind.Content));
                markup.Clear();
            }
            markup.Append(TurnEnd).Append('\n');
        }
        markup.Append(TurnStart).Append(ChatMessage.AssistantRole).Append('\n');
        segments.Add(new ChatSegment(markup.ToString(), ChatSegmentKind.Template));
        return _rendered.Add(messages, segments);
    }
}
