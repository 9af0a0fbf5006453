using System.Text.Json.Nodes;
using Rebel.Models.Gpt2;

namespace Rebel.Models.Llama;

/// <summary>Typed reads of a config object's keys; a mistyped value is a <see cref="ModelFormatException"/> naming file and key.</summary>
internal sealed class JsonKeys(string path, JsonObject obj, string prefix = "")
{
    public int Int(string key) => OptionalInt(key) ?? throw new ModelFormatException(path, $"missing key \"{prefix}{key}\"");

    public int? OptionalInt(string key) => obj[key] switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out int i) => i,
        var other => throw Wrong(key, "an integer", other),
    };

    public double? Double(string key) => obj[key] switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out double d) => d,
        var other => throw Wrong(key, "a number", other),
    };

    public bool? Bool(string key) => obj[key] switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out bool b) => b,
        var other => throw Wrong(key, "true or false", other),
    };

    public string? String(string key) => obj[key] switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out string? s) => s,
        var other => throw Wrong(key, "a string", other),
    };

    /// <summary>An integer or a list of integers (e.g. eos_token_id), or null when absent.</summary>
    public IReadOnlyList<int>? IntList(string key) => obj[key] switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out int i) => [i],
        JsonArray a => a.Select(n => n is JsonValue e && e.TryGetValue(out int i) ? i : throw Wrong(key, "an integer or a list of integers", a)).ToArray(),
        var other => throw Wrong(key, "an integer or a list of integers", other),
    };

    private ModelFormatException Wrong(string key, string expected, JsonNode node) =>
        new(path, $"key \"{prefix}{key}\" must be {expected}, found {node.ToJsonString()}");
}
