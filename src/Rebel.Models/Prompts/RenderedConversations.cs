using System.Collections.Concurrent;
using Rebel.Models.Chat;

namespace Rebel.Models.Prompts;

/// <summary>
/// What a renderer remembers of the conversations it rendered: for each rendered text, its messages and its pieces
/// (template text and message content). Prompts travel through training, judging and caching as their rendered text;
/// this is how a policy finds the message content to encode as plain characters, and a judge the messages to show.
/// </summary>
/// <remarks>Thread-safe. Two different conversations that render to the same text are refused (see <see cref="Add"/>).</remarks>
internal sealed class RenderedConversations
{
    private readonly ConcurrentDictionary<string, (IReadOnlyList<ChatMessage> Messages, IReadOnlyList<ChatSegment> Segments)> _byText = new(StringComparer.Ordinal);

    /// <summary>Remembers that <paramref name="messages"/> rendered to the concatenation of <paramref name="segments"/>; returns that text.</summary>
    /// <exception cref="ArgumentException">Another conversation already rendered to the same text: content holding a
    /// template's turn markup can imitate other turns as text, and the two prompts could not be told apart later.</exception>
    public string Add(IReadOnlyList<ChatMessage> messages, IReadOnlyList<ChatSegment> segments)
    {
        string text = string.Concat(segments.Select(s => s.Text));
        var stored = _byText.GetOrAdd(text, (messages.ToArray(), segments.ToArray()));
        if (!stored.Messages.SequenceEqual(messages))
            throw new ArgumentException($"the conversation renders to the same text as another one ({stored.Messages.Count} message(s) against {messages.Count}): a message's content holds the template's turn markup");
        return text;
    }

    /// <summary>The messages rendered to <paramref name="text"/>, or null.</summary>
    public IReadOnlyList<ChatMessage>? MessagesOf(string text) => _byText.TryGetValue(text, out var entry) ? entry.Messages : null;

    /// <summary>The pieces of <paramref name="text"/> when it is a rendered conversation, or null.</summary>
    public IReadOnlyList<ChatSegment>? SegmentsOf(string text) => _byText.TryGetValue(text, out var entry) ? entry.Segments : null;
}
