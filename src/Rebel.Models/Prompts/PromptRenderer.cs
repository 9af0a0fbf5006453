using System.Text.Json;
using Rebel.Models.Tokenization;

namespace Rebel.Models.Prompts;

/// <summary>Chooses how a model's conversations are rendered: its own chat template, or the ChatML fallback.</summary>
public static class PromptRenderer
{
    /// <summary>The file of a Hugging Face model folder that holds its <c>chat_template</c>.</summary>
    public const string TokenizerConfigFile = "tokenizer_config.json";

    /// <summary>
    /// The renderer of the model in <paramref name="modelDirectory"/>: when its <c>tokenizer_config.json</c> has a
    /// <c>chat_template</c>, that template; otherwise (GPT-2, the default task's models) <see cref="ChatMlPromptRenderer"/>,
    /// refusing content that holds the text of one of <paramref name="tokenizer"/>'s special tokens.
    /// </summary>
    /// <remarks>
    /// Until the Jinja renderer is merged, a model with a template of its own gets a renderer that passes plain text
    /// through and refuses conversations, naming the file: it is never given the ChatML fallback instead.
    /// </remarks>
    /// <exception cref="InvalidDataException">The model's tokenizer_config.json is not valid JSON, or its template is malformed.</exception>
    public static IPromptRenderer ForModel(string modelDirectory, ITokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (ChatTemplateOf(modelDirectory) is not null)
            return new RefusingPromptRenderer("chat_template",
                $"{Path.Combine(modelDirectory, TokenizerConfigFile)}: the model has its own chat_template, and a conversation is only rendered with the model's own template, which this build cannot render yet; give plain-text prompts");
        return new ChatMlPromptRenderer(tokenizer.SpecialTokens.Keys);
    }

    /// <summary>
    /// The <c>chat_template</c> of <paramref name="modelDirectory"/>'s <c>tokenizer_config.json</c>: the string, or from a list
    /// of named templates the one named <c>default</c>; null when there is no file or no template.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not JSON, or the template is neither a string nor a list of named templates with a default.</exception>
    public static string? ChatTemplateOf(string modelDirectory)
    {
        string path = Path.Combine(modelDirectory, TokenizerConfigFile);
        if (!File.Exists(path)) return null;
        JsonElement template;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("chat_template", out var t)) return null;
            template = t.Clone();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message})", e);
        }
        switch (template.ValueKind)
        {
            case JsonValueKind.Null: return null;
            case JsonValueKind.String: return template.GetString();
            case JsonValueKind.Array:
                foreach (var named in template.EnumerateArray())
                    if (named.ValueKind == JsonValueKind.Object && named.TryGetProperty("name", out var name) && name.ValueEquals("default")
                        && named.TryGetProperty("template", out var text) && text.ValueKind == JsonValueKind.String)
                        return text.GetString();
                throw new InvalidDataException($"{path}: \"chat_template\" is a list without a template named \"default\"");
            default:
                throw new InvalidDataException($"{path}: \"chat_template\" must be a string or a list of named templates, found {template.ValueKind}");
        }
    }
}
