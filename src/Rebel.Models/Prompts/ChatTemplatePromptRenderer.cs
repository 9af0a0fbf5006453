using System.Security.Cryptography;
using System.Text;
using Rebel.Models.Chat;

namespace Rebel.Models.Prompts;

/// <summary>
/// Renders conversations with a model's own chat template (<see cref="ChatTemplate"/>) and the generation prompt, as
/// Hugging Face's <c>apply_chat_template(messages, add_generation_prompt=True)</c> does. Plain text is returned
/// unchanged. The template is loaded the first time a conversation is rendered, so a model whose template cannot be
/// read still reads plain-text prompts.
/// </summary>
/// <remarks>
/// The rendered string is encoded with special-token text recognised, so message content that holds the text of a
/// special token (one of <paramref name="specialTokens"/> or of the template's tokens) is refused: a message cannot
/// open or close turns. Only content is checked; the template's own markers are meant to be special.
/// </remarks>
/// <param name="load">Loads the template (e.g. <c>() =&gt; ChatTemplate.Load(modelDirectory)</c>).</param>
/// <param name="specialTokens">Texts of the tokenizer's special tokens, refused inside message content.</param>
public sealed class ChatTemplatePromptRenderer(Func<ChatTemplate> load, IEnumerable<string> specialTokens) : IPromptRenderer
{
    private readonly Lazy<ChatTemplate> _template = new(load ?? throw new ArgumentNullException(nameof(load)));
    private readonly string[] _tokenizerSpecials = [.. specialTokens];

    /// <summary>The template (loaded on first use).</summary>
    /// <exception cref="ChatTemplateException">The template does not parse.</exception>
    /// <exception cref="Data.DataFormatException">The model's tokenizer_config.json is malformed.</exception>
    public ChatTemplate Template => _template.Value;

    /// <summary><c>chat_template:</c> and the first 12 hex digits of the SHA-256 of the template text, so two templates are told apart.</summary>
    public string Name => "chat_template:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Template.Source)))[..12];

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">Content holds special-token text, or the template raised an error or used an unsupported construct.</exception>
    public string Render(Prompt prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (prompt.Messages is not { } messages) return prompt.Text!;
        var refused = _tokenizerSpecials.Concat(Template.Tokens.AllSpecial).Where(t => t.Length > 0).Distinct().ToArray();
        for (int i = 0; i < messages.Count; i++)
            if (refused.FirstOrDefault(t => messages[i].Content.Contains(t, StringComparison.Ordinal)) is { } token)
                throw new ArgumentException($"message {i + 1} ({messages[i].Role}) contains the special text \"{token}\"; refused so that content cannot open or close turns");
        try
        {
            return Template.Render(messages, addGenerationPrompt: true);
        }
        catch (ChatTemplateException e)
        {
            throw new ArgumentException(e.Message, e);
        }
    }
}
