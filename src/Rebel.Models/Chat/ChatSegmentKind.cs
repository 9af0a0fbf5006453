namespace Rebel.Models.Chat;

/// <summary>Where a piece of a rendered conversation came from.</summary>
public enum ChatSegmentKind
{
    /// <summary>The template's own text (role headers, turn markers, BOS): special-token text in it is special.</summary>
    Template,

    /// <summary>Text of a message's content (or of a caller's variable): always plain text, never special tokens.</summary>
    Content,
}
