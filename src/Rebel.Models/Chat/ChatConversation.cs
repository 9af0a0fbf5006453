using System.Text.Json;

namespace Rebel.Models.Chat;

/// <summary>A conversation as JSON: an array of <c>{"role": "system"|"user"|"assistant", "content": "..."}</c>
/// objects (TRL's conversational format). Other fields of a message are ignored.</summary>
public static class ChatConversation
{
    /// <summary>Parses a JSON array of messages.</summary>
    /// <exception cref="FormatException">Invalid JSON or a bad message; the message names the element, e.g.
    /// <c>messages[1].role must be "system", "user" or "assistant", not "bot"</c>.</exception>
    public static IReadOnlyList<ChatMessage> Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var doc = JsonDocument.Parse(json);
            return FromJson(doc.RootElement);
        }
        catch (JsonException e)
        {
            throw new FormatException($"messages: invalid JSON: {e.Message}", e);
        }
    }

    /// <summary>Reads an already parsed JSON array of messages; <paramref name="name"/> prefixes error messages.</summary>
    /// <exception cref="FormatException">Not an array of messages; the message names the element.</exception>
    public static IReadOnlyList<ChatMessage> FromJson(JsonElement element, string name = "messages")
    {
        if (element.ValueKind != JsonValueKind.Array)
            throw new FormatException($"{name} must be a JSON array of {{\"role\", \"content\"}} objects, not {Describe(element)}");
        var messages = new List<ChatMessage>();
        int i = 0;
        foreach (var m in element.EnumerateArray())
        {
            var at = $"{name}[{i}]";
            if (m.ValueKind != JsonValueKind.Object) throw new FormatException($"{at} must be an object, not {Describe(m)}");
            if (!m.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String)
                throw new FormatException($"{at}.role must be a string");
            if (!ChatMessage.IsKnownRole(role.GetString()))
                throw new FormatException($"{at}.role must be \"system\", \"user\" or \"assistant\", not \"{role.GetString()}\"");
            if (!m.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String)
                throw new FormatException($"{at}.content must be a string");
            messages.Add(new ChatMessage(role.GetString()!, content.GetString()!));
            i++;
        }
        return messages;
    }

    private static string Describe(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
