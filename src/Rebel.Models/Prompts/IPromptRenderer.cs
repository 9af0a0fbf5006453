using Rebel.Models.Chat;
using Rebel.Models.Tokenization;

namespace Rebel.Models.Prompts;

/// <summary>
/// Turns a <see cref="Prompt"/> into the text a model reads before its completion. Plain text comes back unchanged
/// (so plain-text prompts encode to exactly the ids they always had); a conversation is rendered with a chat
/// template and the generation prompt, so the text ends where the assistant's reply begins.
/// </summary>
/// <remarks>
/// Prompts travel through training, judging and caching as that text. The renderer remembers the conversations it
/// rendered, so that <see cref="Encode"/> can keep their message content plain characters (a message cannot open or
/// close turns) and <see cref="ConversationOf"/> can give a judge the messages rather than the text.
/// </remarks>
public interface IPromptRenderer
{
    /// <summary>A short name for messages and the run's config (e.g. <c>chatml</c>, <c>chat_template:…</c>).</summary>
    string Name { get; }

    /// <summary>
    /// The special token that ends an assistant turn in this format (<c>&lt;|eot_id|&gt;</c>, <c>&lt;|im_end|&gt;</c>, …):
    /// a completion of a conversation prompt stops on it and is scored ending with it. Null: completions end with the
    /// tokenizer's EOS, as plain-text ones do.
    /// </summary>
    string? EndOfTurnToken { get; }

    /// <summary>The text of <paramref name="prompt"/> as the model reads it.</summary>
    /// <exception cref="ArgumentException">The conversation cannot be rendered (the template raised, or the renderer refuses its content).</exception>
    string Render(Prompt prompt);

    /// <summary>The conversation <see cref="Render"/> turned into <paramref name="text"/>, or null when it rendered none to it (plain text).</summary>
    IReadOnlyList<ChatMessage>? ConversationOf(string text);

    /// <summary>
    /// The ids of a prompt text: for a conversation this renderer rendered, its template text with special-token text
    /// recognised and its message content as plain characters (<see cref="ITokenizer.EncodeSegments"/>); any other text
    /// as <c>tokenizer.Encode(text)</c>. Adds no BOS/EOS beyond the template's own.
    /// </summary>
    int[] Encode(ITokenizer tokenizer, string text);
}
