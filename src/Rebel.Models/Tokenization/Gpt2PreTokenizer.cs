using System.Globalization;
using System.Text;

namespace Rebel.Models.Tokenization;

/// <summary>
/// GPT-2's pre-tokenization: splits text into the pieces BPE works on, exactly as the regular expression
/// <c>'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+</c> does, tried alternative by
/// alternative at each position, over Unicode code points. Written as a scanner (no regex engine) for speed and
/// so that letters outside the Basic Multilingual Plane count as letters.
/// </summary>
/// <remarks>
/// <c>\s</c> is the Unicode White_Space property (as in Hugging Face tokenizers): U+0009–U+000D, U+0020, U+0085,
/// U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000. JavaScript's <c>\s</c> differs on two code
/// points only (it excludes U+0085 and includes U+FEFF). A lone surrogate is "other", like any unassigned code point.
/// <para>The whitespace rule <c>\s+(?!\S)</c> leaves the last whitespace character of a run to the next piece when a
/// non-space follows, so "a␣␣␣b" splits as "a", "␣␣", "␣b".</para>
/// </remarks>
internal static class Gpt2PreTokenizer
{
    private enum CharClass : byte { Other, Letter, Number, Space }

    private static readonly CharClass[] AsciiClasses = BuildAsciiClasses();

    /// <summary>The pieces of <paramref name="text"/>, in order; concatenated they give the text back.</summary>
    public static List<string> Split(ReadOnlySpan<char> text)
    {
        var pieces = new List<string>();
        for (int start = 0; start < text.Length;)
        {
            int end = NextPieceEnd(text, start);
            pieces.Add(text[start..end].ToString());
            start = end;
        }
        return pieces;
    }

    /// <summary>The end (exclusive) of the piece that starts at <paramref name="start"/> (&lt; text.Length).</summary>
    public static int NextPieceEnd(ReadOnlySpan<char> text, int start)
    {
        // 's|'t|'re|'ve|'m|'ll|'d (case-sensitive, ASCII apostrophe)
        if (text[start] == '\'' && start + 1 < text.Length)
        {
            char c = text[start + 1];
            if (c is 's' or 't' or 'm' or 'd') return start + 2;
            if (start + 2 < text.Length)
            {
                char d = text[start + 2];
                if ((c == 'r' && d == 'e') || (c == 'v' && d == 'e') || (c == 'l' && d == 'l')) return start + 3;
            }
        }

        //  ?\p{L}+ |  ?\p{N}+ |  ?[^\s\p{L}\p{N}]+  (an optional single U+0020, then a run of one class)
        int runStart = start;
        if (text[start] == ' ' && start + 1 < text.Length) runStart = start + 1;
        var cls = ClassAt(text, runStart, out int width);
        if (cls != CharClass.Space)
        {
            int end = runStart + width;
            while (end < text.Length && ClassAt(text, end, out width) == cls) end += width;
            return end;
        }

        // \s+(?!\S) | \s+  (here text[start] is whitespace)
        ClassAt(text, start, out width);
        int last = start;                                 // start of the run's last character
        int runEnd = start + width;
        while (runEnd < text.Length && ClassAt(text, runEnd, out width) == CharClass.Space)
        {
            last = runEnd;
            runEnd += width;
        }
        if (runEnd == text.Length) return runEnd;         // the run reaches the end: take it all
        return last > start ? last : runEnd;              // a non-space follows: leave it the last space, unless alone
    }

    private static CharClass ClassAt(ReadOnlySpan<char> text, int index, out int width)
    {
        char c = text[index];
        if (c < 128)
        {
            width = 1;
            return AsciiClasses[c];
        }
        if (Rune.DecodeFromUtf16(text[index..], out var rune, out width) != System.Buffers.OperationStatus.Done)
            return CharClass.Other;                       // lone surrogate (width 1)
        return Classify(rune);
    }

    private static CharClass Classify(Rune rune)
    {
        int v = rune.Value;
        if (v is >= 0x09 and <= 0x0D or 0x20 or 0x85 or 0xA0 or 0x1680 or >= 0x2000 and <= 0x200A
            or 0x2028 or 0x2029 or 0x202F or 0x205F or 0x3000)
            return CharClass.Space;
        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => CharClass.Letter,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber
                => CharClass.Number,
            _ => CharClass.Other,
        };
    }

    private static CharClass[] BuildAsciiClasses()
    {
        var classes = new CharClass[128];
        for (int c = 0; c < 128; c++) classes[c] = Classify(new Rune(c));
        return classes;
    }
}
