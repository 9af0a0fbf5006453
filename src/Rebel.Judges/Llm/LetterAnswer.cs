namespace Rebel.Judges.Llm;

/// <summary>
/// Reads the one-letter verdict of <see cref="OpenAIJudge"/>: after trimming white space and punctuation or symbols
/// (<c>"A"</c>, <c>" B."</c>, <c>"**A**"</c>, <c>"(b)"</c>) exactly one letter A or B must remain, in either case.
/// Anything else (<c>"AB"</c>, <c>"Answer: A"</c>, <c>""</c>) is rejected.
/// </summary>
internal static class LetterAnswer
{
    /// <summary>'A', 'B', or null when <paramref name="text"/> is not a bare letter verdict.</summary>
    public static char? Parse(string? text)
    {
        if (text is null) return null;
        var trimmed = TrimDecorations(text);
        if (trimmed.Length != 1) return null;
        return char.ToUpperInvariant(trimmed[0]) switch
        {
            'A' => 'A',
            'B' => 'B',
            _ => null,
        };
    }

    private static ReadOnlySpan<char> TrimDecorations(ReadOnlySpan<char> s)
    {
        int start = 0, end = s.Length;
        while (start < end && IsDecoration(s[start])) start++;
        while (end > start && IsDecoration(s[end - 1])) end--;
        return s[start..end];
    }

    private static bool IsDecoration(char c) => char.IsWhiteSpace(c) || char.IsPunctuation(c) || char.IsSymbol(c);
}
