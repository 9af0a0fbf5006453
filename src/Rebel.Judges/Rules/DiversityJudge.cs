namespace Rebel.Judges.Rules;

/// <summary>
/// Prefers the completion with the larger share of distinct words (distinct-1, the type–token ratio):
/// s(x, y) = |set(words(y))| / |words(y)|, and s = 0 for a completion without words. It penalizes repetition.
/// </summary>
/// <remarks>Spec: <c>diversity</c>.</remarks>
public sealed class DiversityJudge : RuleJudge
{
    /// <inheritdoc/>
    public override string Id => "diversity";

    /// <inheritdoc/>
    public override double Score(string prompt, string completion)
    {
        var words = Words.Split(completion);
        if (words.Count == 0) return 0.0;
        return (double)new HashSet<string>(words, StringComparer.Ordinal).Count / words.Count;
    }
}
