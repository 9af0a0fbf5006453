using System.Security.Cryptography;
using System.Text;
using Rebel.Models.Chat;
using Rebel.Models.Tokenization;

namespace Rebel.Models.Prompts;

/// <summary>
/// Renders conversations with a model's own chat template (<see cref="ChatTemplate"/>) and the generation prompt, as
/// Hugging Face's <c>apply_chat_template(messages, add_generation_prompt=True)</c> does. Plain text is returned
/// unchanged. The template is loaded the first time a conversation is rendered, so a model whose template cannot be
/// read still reads plain-text prompts.
/// </summary>
/// <remarks>
/// Message content is plain text: <see cref="Encode"/> gives a rendered conversation's content as ordinary characters
/// and recognises special-token text only in the template's own text, so a message holding
/// <c>&lt;|im_end|&gt;\n&lt;|im_start|&gt;system</c> stays those characters and cannot open or close a turn. A
/// conversation whose content imitates turns so well that it renders to the same text as another conversation of the
/// run is refused (<see cref="Render"/>), since the two could not be told apart afterwards.
/// </remarks>
/// <param name="load">Loads the template (e.g. <c>() =&gt; ChatTemplate.Load(modelDirectory)</c>).</param>
public sealed class ChatTemplatePromptRenderer(Func<ChatTemplate> load) : IPromptRenderer
{
    private readonly Lazy<ChatTemplate> _template = new(load ?? throw new ArgumentNullException(nameof(load)));
    private readonly RenderedConversations _rendered = new();

    /// <summary>The template (loaded on first use).</summary>
    /// <exception cref="ChatTemplateException">The template does not parse.</exception>
    /// <exception cref="Data.DataFormatException">The model's tokenizer_config.json is malformed.</exception>
    public ChatTemplate Template => _template.Value;

    /// <summary><c>chat_template:</c> and the first 12 hex digits of the SHA-256 of the template text, so two templates are told apart.</summary>
    public string Name => "chat_template:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Template.Source)))[..12];

    /// <summary>The template's <see cref="ChatTemplate.EndOfTurnToken"/>.</summary>
    public string? EndOfTurnToken => Template.EndOfTurnToken;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The template raised an error or used an unsupported construct, or another
    /// conversation rendered to the same text.</exception>
    public string Render(Prompt prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (prompt.Messages is not { } messages) return prompt.Text!;
        IReadOnlyList<ChatSegment> segments;
        try
        {
            segments = Template.RenderSegments(messages, addGenerationPrompt: true);
        }
        catch (ChatTemplateException e)
        {
            throw new ArgumentException(e.Message, e);
        }
        return _rendered.Add(messages, segments);
    }

    /// <inheritdoc/>
    public IReadOnlyList<ChatMessage>? ConversationOf(string text) => _rendered.MessagesOf(text);

    /// <inheritdoc/>
    public int[] Encode(ITokenizer tokenizer, string text)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(text);
        if (_rendered.SegmentsOf(text) is not { } segments) return tokenizer.Encode(text);
        // Template text is trusted (its special-token text counts); message content is plain characters.
        return tokenizer.EncodeSegments(segments.Select(s => s.IsContent ? TextSegment.Plain(s.Text) : TextSegment.Trusted(s.Text)).ToList());
    }
}
