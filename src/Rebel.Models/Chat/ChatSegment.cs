namespace Rebel.Models.Chat;

/// <summary>One piece of a rendered conversation: its text and whether it came from the template or from message
/// content. Concatenating the segments' texts in order gives <see cref="ChatTemplate.Render"/>'s string.</summary>
public sealed record ChatSegment(string Text, ChatSegmentKind Kind)
{
    /// <summary>True for message content (encode as plain text).</summary>
    public bool IsContent => Kind == ChatSegmentKind.Content;
}
