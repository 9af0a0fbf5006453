using System.Text.Json;
using Rebel.Models.Data;

namespace Rebel.Models.Chat;

/// <summary>Reads a chat template and its tokens from Hugging Face files: <c>chat_template</c> of
/// <c>tokenizer_config.json</c> (a string, or a list of <c>{"name", "template"}</c>), or a <c>chat_template.jinja</c>
/// file beside it, which takes precedence as in transformers.</summary>
internal static class ChatTemplateConfig
{
    public const string ConfigFile = "tokenizer_config.json";
    public const string JinjaFile = "chat_template.jinja";

    public static (string Source, string Name, ChatTemplateTokens Tokens) ReadDirectory(string directory, string templateName)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"{directory}: tokenizer directory not found");
        var configPath = Path.Combine(directory, ConfigFile);
        var jinjaPath = Path.Combine(directory, JinjaFile);
        bool hasConfig = File.Exists(configPath), hasJinja = File.Exists(jinjaPath);
        if (!hasConfig && !hasJinja)
            throw new FileNotFoundException($"{directory}: no chat template (expected {ConfigFile} with chat_template, or {JinjaFile})", configPath);
        var tokens = hasConfig ? ReadTokens(configPath, Parse(configPath)) : ChatTemplateTokens.None;
        if (hasJinja && templateName == "default") return (File.ReadAllText(jinjaPath), JinjaFile, tokens);
        var (source, name) = ReadTemplate(configPath, Parse(configPath), templateName);
        return (source, name, tokens);
    }

    public static (string Source, string Name, ChatTemplateTokens Tokens) ReadConfig(string configPath, string templateName)
    {
        var root = Parse(configPath);
        var (source, name) = ReadTemplate(configPath, root, templateName);
        return (source, name, ReadTokens(configPath, root));
    }

    private static JsonElement Parse(string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new DataFormatException(path, 0, "expected a JSON object");
            return doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new DataFormatException(path, (int)(e.LineNumber ?? -1) + 1, $"invalid JSON: {e.Message}", e);
        }
    }

    private static (string Source, string Name) ReadTemplate(string path, JsonElement root, string templateName)
    {
        var file = Path.GetFileName(path);
        if (!root.TryGetProperty("chat_template", out var t) || t.ValueKind == JsonValueKind.Null)
            throw new DataFormatException(path, 0, "has no chat_template");
        if (t.ValueKind == JsonValueKind.String)
        {
            if (templateName != "default") throw new DataFormatException(path, 0, $"chat_template is a single template, there is no template named '{templateName}'");
            return (t.GetString()!, $"{file}#chat_template");
        }
        if (t.ValueKind != JsonValueKind.Array) throw new DataFormatException(path, 0, "chat_template must be a string or a list of {\"name\", \"template\"}");
        var names = new List<string>();
        int i = 0;
        foreach (var entry in t.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object
                || !entry.TryGetProperty("name", out var n) || n.ValueKind != JsonValueKind.String
                || !entry.TryGetProperty("template", out var body) || body.ValueKind != JsonValueKind.String)
                throw new DataFormatException(path, 0, $"chat_template[{i}] must be an object with string fields \"name\" and \"template\"");
            names.Add(n.GetString()!);
            if (n.GetString() == templateName) return (body.GetString()!, $"{file}#chat_template[{templateName}]");
            i++;
        }
        throw new DataFormatException(path, 0, $"chat_template has no template named '{templateName}' (it has: {string.Join(", ", names)})");
    }

    private static ChatTemplateTokens ReadTokens(string path, JsonElement root)
    {
        string? Token(string key)
        {
            if (!root.TryGetProperty(key, out var v)) return null;
            return v.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.String => v.GetString(),
                JsonValueKind.Object when v.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String => c.GetString(),
                _ => throw new DataFormatException(path, 0, $"{key} must be a string, an object with \"content\", or null"),
            };
        }
        var special = new List<string>();
        if (root.TryGetProperty("added_tokens_decoder", out var added) && added.ValueKind == JsonValueKind.Object)
        {
            foreach (var entry in added.EnumerateObject())
            {
                if (entry.Value.ValueKind != JsonValueKind.Object || !entry.Value.TryGetProperty("content", out var c) || c.ValueKind != JsonValueKind.String)
                    throw new DataFormatException(path, 0, $"added_tokens_decoder[\"{entry.Name}\"] must be an object with a string \"content\"");
                bool isSpecial = !entry.Value.TryGetProperty("special", out var s) || s.ValueKind != JsonValueKind.False;
                if (isSpecial) special.Add(c.GetString()!);
            }
        }
        if (root.TryGetProperty("additional_special_tokens", out var extra) && extra.ValueKind == JsonValueKind.Array)
            foreach (var e in extra.EnumerateArray())
                if (e.ValueKind == JsonValueKind.String) special.Add(e.GetString()!);
                else if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String) special.Add(c.GetString()!);
        return new ChatTemplateTokens { Bos = Token("bos_token"), Eos = Token("eos_token"), Unk = Token("unk_token"), Pad = Token("pad_token"), Special = special };
    }
}
