using Rebel.Preference;

namespace Rebel.Judges.Rules;

/// <summary>
/// A judge from a scalar criterion s(x, y): P(a ≻ b) = 1 if s(x, a) &gt; s(x, b), 0 if smaller, ½ if equal.
/// Because it compares real numbers, every rule judge is transitive and exactly skew-symmetric; intransitivity
/// appears only when several are voted together (<see cref="Composite.VoteJudge"/>).
/// </summary>
public abstract class RuleJudge : IPairwiseJudge
{
    private static readonly System.Text.Json.JsonSerializerOptions Unescaped = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <inheritdoc/>
    public abstract string Id { get; }

    /// <summary>The criterion s(x, y): a larger score is better. x is the prompt text, or for a conversation its messages
    /// as a compact JSON array of <c>{"role", "content"}</c> objects.</summary>
    public abstract double Score(string prompt, string completion);

    /// <inheritdoc/>
    public Task<IReadOnlyList<Verdict>> JudgeAsync(IReadOnlyList<Comparison> comparisons, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(comparisons);
        cancellationToken.ThrowIfCancellationRequested();
        var verdicts = new Verdict[comparisons.Count];
        for (int i = 0; i < verdicts.Length; i++)
        {
            var c = comparisons[i];
            // x: the text, or for a conversation its messages as compact JSON (not the template's markup)
            string x = c.Messages is null ? c.Prompt : c.PromptJson().ToJsonString(Unescaped);
            double sa = Score(x, c.A), sb = Score(x, c.B);
            verdicts[i] = Verdict.FromScores(sa, sb);
        }
        return Task.FromResult<IReadOnlyList<Verdict>>(verdicts);
    }

    /// <summary>Rule judges hold no resources.</summary>
    public void Dispose() => GC.SuppressFinalize(this);
}
