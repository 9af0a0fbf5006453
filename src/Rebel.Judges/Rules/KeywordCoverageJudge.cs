namespace Rebel.Judges.Rules;

/// <summary>
/// Prefers the completion that covers more of the prompt's keywords: s(x, y) = |K(x) ∩ W(y)| / |K(x)|, where W(y)
/// is the set of words of y and K(x) the prompt's keywords — its distinct words of at least
/// <see cref="MinKeywordLength"/> characters that are not common function words. A prompt without keywords
/// makes every pair a tie. With a fixed keyword list, K is that list for every prompt.
/// </summary>
/// <remarks>Spec: <c>keywords</c>, or <c>keywords(W1|W2|...)</c> for a fixed list.</remarks>
public sealed class KeywordCoverageJudge : RuleJudge
{
    /// <summary>The shortest word counted as a keyword: 4 characters.</summary>
    public const int MinKeywordLength = 4;

    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "about", "after", "again", "also", "because", "been", "before", "being", "between", "both", "could", "does",
        "doing", "down", "during", "each", "from", "further", "have", "having", "here", "into", "itself", "just",
        "more", "most", "once", "only", "other", "over", "same", "should", "some", "such", "than", "that", "their",
        "them", "then", "there", "these", "they", "this", "those", "through", "under", "until", "very", "were",
        "what", "when", "where", "which", "while", "whom", "with", "would", "your", "yours", "write", "tell",
        "please", "give", "make",
    };

    private readonly string[]? _fixedKeywords;

    /// <summary>Creates the judge; keywords come from each prompt unless <paramref name="keywords"/> is given.</summary>
    public KeywordCoverageJudge(IEnumerable<string>? keywords = null)
    {
        if (keywords is not null)
        {
            _fixedKeywords = keywords.Select(k => k.Trim().ToLowerInvariant()).Where(k => k.Length > 0).Distinct().ToArray();
            if (_fixedKeywords.Length == 0) throw new ArgumentException("the keyword list is empty", nameof(keywords));
        }
    }

    /// <inheritdoc/>
    public override string Id => _fixedKeywords is null ? "keywords" : $"keywords({string.Join('|', _fixedKeywords)})";

    /// <summary>K(x): the keywords of <paramref name="prompt"/> (or the fixed list).</summary>
    public IReadOnlyCollection<string> Keywords(string prompt) =>
        _fixedKeywords ?? Words.Split(prompt).Where(w => w.Length >= MinKeywordLength && !StopWords.Contains(w)).Distinct().ToArray();

    /// <inheritdoc/>
    public override double Score(string prompt, string completion)
    {
        var keywords = Keywords(prompt);
        if (keywords.Count == 0) return 0.0;
        var words = new HashSet<string>(Words.Split(completion), StringComparer.Ordinal);
        int covered = keywords.Count(words.Contains);
        return (double)covered / keywords.Count;
    }
}
