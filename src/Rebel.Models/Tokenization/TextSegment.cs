namespace Rebel.Models.Tokenization;

/// <summary>
/// A piece of text for <see cref="ITokenizer.EncodeSegments"/>, with whether special-token text inside it may become
/// special tokens. A chat template's markup is <see cref="Trusted"/>; message content is <see cref="Plain"/>, so a
/// prompt that contains <c>&lt;|im_start|&gt;</c> cannot start a turn.
/// </summary>
/// <param name="Text">The text.</param>
/// <param name="SpecialTokensAllowed">True: special-token text in it becomes special tokens; false: ordinary characters.</param>
public readonly record struct TextSegment(string Text, bool SpecialTokensAllowed)
{
    /// <summary>Text whose special-token text becomes special tokens (a template's own markup).</summary>
    public static TextSegment Trusted(string text) => new(text, true);

    /// <summary>Text whose special-token text stays ordinary characters (user or model content).</summary>
    public static TextSegment Plain(string text) => new(text, false);
}
