using System.Globalization;
using System.Text;

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
    /// Unicode NFC, one text element (grapheme cluster) at a time so each normalized character maps back to its
    /// cluster; composition never crosses a cluster boundary, so the text equals NFC of the whole.
    /// </summary>
    public static NormalizedText Nfc(string text)
    {
        if (text.IsNormalized(NormalizationForm.FormC)) return Identity(text);
        var builder = new StringBuilder(text.Length);
        var start = new List<int>(text.Length);
        var end = new List<int>(text.Length);
        var elements = StringInfo.GetTextElementEnumerator(text);
        while (elements.MoveNext())
        {
            int at = elements.ElementIndex;
            var element = (string)elements.Current;
            var normalized = element.IsNormalized(NormalizationForm.FormC) ? element : element.Normalize(NormalizationForm.FormC);
            builder.Append(normalized);
            for (int i = 0; i < normalized.Length; i++)
            {
                start.Add(at);
                end.Add(at + element.Length);
            }
        }
        return new NormalizedText(builder.ToString(), [.. start], [.. end]);
    }
}
