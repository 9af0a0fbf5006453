using Rebel.Models.Tokenization.Normalization;

namespace Rebel.Models.Tokenization;

/// <summary>
/// A normalized stretch of text and, for each of its UTF-16 characters, the span of the original stretch it came from
/// (a character of a surrogate pair carries the pair's span; an inserted character, such as SentencePiece's prefix
/// "▁", an empty span).
/// </summary>
internal sealed class NormalizedText
{
    public NormalizedText(string text, int[] originalStart, int[] originalEnd)
    {
        Text = text;
        OriginalStart = originalStart;
        OriginalEnd = originalEnd;
    }

    public string Text { get; }

    public int[] OriginalStart { get; }

    public int[] OriginalEnd { get; }

    /// <summary>The text unchanged.</summary>
    public static NormalizedText Identity(string text)
    {
        var start = new int[text.Length];
        var end = new int[text.Length];
        for (int i = 0; i < text.Length; i++)
        {
            bool pair = char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            start[i] = i;
            end[i] = pair ? i + 2 : i + 1;
            if (pair)
            {
                start[i + 1] = i;
                end[i + 1] = i + 2;
                i++;
            }
        }
        return new NormalizedText(text, start, end);
    }

    /// <summary>
    /// Unicode NFC (<see cref="UnicodeNfc"/>). Characters outside the stretches NFC rewrites keep their own spans; each
    /// character of a rewritten stretch (a segment from one NFC boundary to the next, e.g. <c>e</c> + U+0301 → <c>é</c>)
    /// carries the whole stretch's span.
    /// </summary>
    public static NormalizedText Nfc(string text)
    {
        var rewrites = new List<UnicodeNfc.Rewrite>();
        string normalized = UnicodeNfc.Normalize(text, rewrites);
        if (rewrites.Count == 0) return Identity(text);
        var identity = Identity(text);
        var start = new int[normalized.Length];
        var end = new int[normalized.Length];
        int at = 0, to = 0;
        foreach (var rewrite in rewrites)
        {
            for (; at < rewrite.Start; at++, to++)
            {
                start[to] = identity.OriginalStart[at];
                end[to] = identity.OriginalEnd[at];
            }
            for (; to < rewrite.NormalizedEnd; to++)
            {
                start[to] = rewrite.Start;
                end[to] = rewrite.End;
            }
            at = rewrite.End;
        }
        for (; at < text.Length; at++, to++)
        {
            start[to] = identity.OriginalStart[at];
            end[to] = identity.OriginalEnd[at];
        }
        return new NormalizedText(normalized, start, end);
    }
}
