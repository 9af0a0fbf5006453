using System.Text.Json;
using Rebel.Models.Chat;
using Rebel.Models.Tokenization;

namespace Rebel.Models.Prompts;

/// <summary>Chooses how a model's conversations are rendered: its own chat template, or the ChatML fallback.</summary>
public static class PromptRenderer
{
    /// <summary>
    /// The renderer of the model in <paramref name="modelDirectory"/>: when it has a chat template of its own
    /// (<c>chat_template.jinja</c>, or <c>chat_template</c> in <c>tokenizer_config.json</c>), a
    /// <see cref="ChatTemplatePromptRenderer"/> of it; otherwise (GPT-2, the default task's models) the
    /// <see cref="ChatMlPromptRenderer"/> fallback, which refuses message content holding its markers or the text of one
    /// of <paramref name="tokenizer"/>'s special tokens (a template keeps such content plain text instead).
    /// </summary>
    /// <exception cref="Data.DataFormatException">The model's tokenizer_config.json is not valid JSON.</exception>
    public static IPromptRenderer ForModel(string modelDirectory, ITokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (!HasChatTemplate(modelDirectory) && Lora.PeftAdapterFolder.IsAdapter(modelDirectory))
            modelDirectory = Lora.PeftAdapterFolder.ResolveBase(modelDirectory);             // an adapter folder uses its base's template
        return HasChatTemplate(modelDirectory)
            ? new ChatTemplatePromptRenderer(() => ChatTemplate.Load(modelDirectory))
            : new ChatMlPromptRenderer(tokenizer.SpecialTokens.Keys);
    }

    /// <summary>
    /// The id of <paramref name="renderer"/>'s end-of-turn token in <paramref name="tokenizer"/> (a special token, or text
    /// that encodes to exactly one id); null when the renderer's replies end with EOS.
    /// </summary>
    /// <exception cref="InvalidOperationException">The end-of-turn token is not one token of the tokenizer.</exception>
    public static int? EndOfTurnId(IPromptRenderer renderer, ITokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(renderer);
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (renderer.EndOfTurnToken is not { } token) return null;
        if (tokenizer.SpecialTokens.TryGetValue(token, out int id)) return id;
        var ids = tokenizer.Encode(token);
        return ids.Length == 1 ? ids[0]
            : throw new InvalidOperationException($"the chat template's end-of-turn token \"{token}\" is not one token of the model's tokenizer (it encodes to {ids.Length} ids)");
    }

    /// <summary>
    /// Whether <paramref name="modelDirectory"/> has a chat template: a <c>chat_template.jinja</c> file, or a non-null
    /// <c>chat_template</c> in <c>tokenizer_config.json</c>.
    /// </summary>
    /// <exception cref="Data.DataFormatException">tokenizer_config.json is not valid JSON.</exception>
    public static bool HasChatTemplate(string modelDirectory)
    {
        if (File.Exists(Path.Combine(modelDirectory, "chat_template.jinja"))) return true;
        string path = Path.Combine(modelDirectory, "tokenizer_config.json");
        if (!File.Exists(path)) return false;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("chat_template", out var template) && template.ValueKind != JsonValueKind.Null;
        }
        catch (JsonException e)
        {
            throw new Data.DataFormatException(path, 0, $"not valid JSON ({e.Message})", e);
        }
    }
}
