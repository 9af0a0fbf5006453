using System.Text.Json;
using System.Text.Json.Nodes;
using Rebel.Models.Chat;

namespace Rebel.Models.Prompts;

/// <summary>
/// A prompt x as datasets hold it: plain text (<c>"prompt": "..."</c>) or a conversation
/// (<c>"prompt": [{"role": "user", "content": "..."}]</c>, TRL's conversational format). A conversation is turned into
/// the text the model reads by an <see cref="IPromptRenderer"/>; plain text is read by the model as it is.
/// </summary>
/// <remarks>
/// A conversation holds at least one message and does not end with an assistant turn: the model is asked to write
/// the next assistant turn. Two prompts are equal when both are the same text, or both the same messages in order.
/// </remarks>
public sealed class Prompt : IEquatable<Prompt>
{
    private readonly ChatMessage[]? _messages;

    private Prompt(string? text, ChatMessage[]? messages)
    {
        Text = text;
        _messages = messages;
    }

    /// <summary>A plain-text prompt (may be empty).</summary>
    public static Prompt FromText(string text) => new(text ?? throw new ArgumentNullException(nameof(text)), null);

    /// <summary>A conversation prompt.</summary>
    /// <exception cref="ArgumentException">No messages, or the last one is an assistant turn.</exception>
    public static Prompt FromMessages(IEnumerable<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages.ToArray();
        if (list.Length == 0) throw new ArgumentException("a conversation prompt needs at least one message", nameof(messages));
        if (list.Any(m => m is null)) throw new ArgumentException("a conversation prompt holds a null message", nameof(messages));
        if (list[^1].Role == ChatMessage.AssistantRole)
            throw new ArgumentException("a conversation prompt must not end with an assistant turn (the model writes the next one)", nameof(messages));
        return new Prompt(null, list);
    }

    /// <summary>The text of a plain-text prompt; null for a conversation.</summary>
    public string? Text { get; }

    /// <summary>The messages of a conversation prompt; null for plain text.</summary>
    public IReadOnlyList<ChatMessage>? Messages => _messages;

    /// <summary>True for a conversation, false for plain text.</summary>
    public bool IsConversation => _messages is not null;

    /// <summary>The prompt as JSON: a string for plain text, an array of <c>{"role","content"}</c> objects for a conversation.</summary>
    public JsonNode ToJson() =>
        _messages is null
            ? JsonValue.Create(Text!)
            : new JsonArray(_messages.Select(m => (JsonNode)new JsonObject { ["role"] = m.Role, ["content"] = m.Content }).ToArray());

    /// <inheritdoc/>
    public bool Equals(Prompt? other) =>
        other is not null && (_messages is null
            ? other._messages is null && Text == other.Text
            : other._messages is not null && _messages.SequenceEqual(other._messages));

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Prompt);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        if (_messages is null) return HashCode.Combine(0, Text);
        var hash = new HashCode();
        foreach (var m in _messages) hash.Add(m);
        return hash.ToHashCode();
    }

    /// <summary>The text, or the conversation as compact JSON.</summary>
    public override string ToString() => _messages is null ? Text! : ToJson().ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
