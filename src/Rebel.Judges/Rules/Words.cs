namespace Rebel.Judges.Rules;

/// <summary>
/// The word segmentation shared by the rule judges: a word is a maximal run of letters, digits or apostrophes,
/// compared case-insensitively (lower-cased with the invariant culture).
/// </summary>
internal static class Words
{
    public static List<string> Split(string text)
    {
        var words = new List<string>();
        int start = -1;
        for (int i = 0; i <= text.Length; i++)
        {
            bool inWord = i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '\'');
            if (inWord && start < 0) start = i;
            else if (!inWord && start >= 0)
            {
                words.Add(text[start..i].ToLowerInvariant());
                start = -1;
            }
        }
        return words;
    }

    public static int Count(string text)
    {
        int count = 0;
        bool inWord = false;
        foreach (char ch in text)
        {
            bool w = char.IsLetterOrDigit(ch) || ch == '\'';
            if (w && !inWord) count++;
            inWord = w;
        }
        return count;
    }
}
