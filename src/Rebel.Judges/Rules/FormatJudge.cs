namespace Rebel.Judges.Rules;

/// <summary>
/// Prefers the better-formed completion: s(x, y) = the number of these checks y passes (0 to 4):
/// <list type="number">
/// <item>it starts with an upper-case letter or a digit (after no leading white space);</item>
/// <item>it ends with sentence punctuation (<c>.</c>, <c>!</c>, <c>?</c>), with no trailing white space;</item>
/// <item>no word is immediately repeated ("the the");</item>
/// <item>its brackets <c>()</c>, <c>[]</c>, <c>{}</c> are balanced and it contains no doubled spaces.</item>
/// </list>
/// </summary>
/// <remarks>Spec: <c>format</c>.</remarks>
public sealed class FormatJudge : RuleJudge
{
    /// <inheritdoc/>
    public override string Id => "format";

    /// <inheritdoc/>
    public override double Score(string prompt, string completion)
    {
        int passed = 0;
        if (completion.Length > 0 && (char.IsUpper(completion[0]) || char.IsDigit(completion[0]))) passed++;
        if (completion.Length > 0 && completion[^1] is '.' or '!' or '?') passed++;
        if (!HasRepeatedWord(completion)) passed++;
        if (IsBalanced(completion) && !completion.Contains("  ", StringComparison.Ordinal)) passed++;
        return passed;
    }

    private static bool HasRepeatedWord(string text)
    {
        var words = Words.Split(text);
        for (int i = 1; i < words.Count; i++)
            if (words[i] == words[i - 1]) return true;
        return false;
    }

    private static bool IsBalanced(string text)
    {
        var open = new Stack<char>();
        foreach (char ch in text)
        {
            switch (ch)
            {
                case '(' or '[' or '{': open.Push(ch); break;
                case ')': if (open.Count == 0 || open.Pop() != '(') return false; break;
                case ']': if (open.Count == 0 || open.Pop() != '[') return false; break;
                case '}': if (open.Count == 0 || open.Pop() != '{') return false; break;
            }
        }
        return open.Count == 0;
    }
}
