using System.Collections;
using System.Text.Json;
using Rebel.Models.Chat.Jinja;

namespace Rebel.Models.Chat;

/// <summary>Turns a caller's template variables (.NET values or JSON) into template values. Strings count as
/// content: text a caller passes in is never read as special tokens.</summary>
internal static class ChatVariableConverter
{
    public static object? ToJinja(string name, object? value, int depth = 0)
    {
        if (depth > 64) throw new ArgumentException($"template variable '{name}' is nested more than 64 levels deep", nameof(value));
        return value switch
        {
            null => null,
            bool b => b,
            int i => (long)i,
            long l => l,
            float f => (double)f,
            double d => d,
            string s => JinjaString.Content(s),
            ChatMessage m => Dict(new[] { new KeyValuePair<string, object?>("role", m.Role), new("content", m.Content) }, name, depth),
            JsonElement e => FromJson(name, e, depth),
            IEnumerable<KeyValuePair<string, object?>> map => Dict(map, name, depth),
            IEnumerable<KeyValuePair<string, string>> map => Dict(map.Select(p => new KeyValuePair<string, object?>(p.Key, p.Value)), name, depth),
            IEnumerable list => new JinjaList(list.Cast<object?>().Select(x => ToJinja(name, x, depth + 1)).ToList()),
            _ => throw new ArgumentException($"template variable '{name}' has unsupported type {value.GetType().Name}", nameof(value)),
        };
    }

    private static JinjaDict Dict(IEnumerable<KeyValuePair<string, object?>> map, string name, int depth)
    {
        var d = new JinjaDict();
        foreach (var (k, v) in map) d.Set(JinjaString.Plain(k), ToJinja(name, v, depth + 1));
        return d;
    }

    private static object? FromJson(string name, JsonElement e, int depth) => e.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => e.TryGetInt64(out var l) ? l : e.GetDouble(),
        JsonValueKind.String => JinjaString.Content(e.GetString()!),
        JsonValueKind.Array => new JinjaList(e.EnumerateArray().Select(x => ToJinja(name, x, depth + 1)).ToList()),
        _ => Dict(e.EnumerateObject().Select(p => new KeyValuePair<string, object?>(p.Name, p.Value)), name, depth),
    };
}
