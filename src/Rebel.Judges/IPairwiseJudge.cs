using Rebel.Preference;

namespace Rebel.Judges;

/// <summary>
/// A pairwise judge: for each comparison (x, a, b) it returns l(x, a, b) = P(a ≻ b | x) ∈ [0, 1], the quantity
/// REBEL's preference mode regresses on (Δ = l − ½). Hard judges answer 0, ½ or 1; soft judges any value between.
/// </summary>
/// <remarks>
/// <para><b>Batching.</b> One call judges a whole batch; the result has one <see cref="Verdict"/> per comparison, in
/// the same order. Implementations may run the items concurrently (HTTP judges) or in one pass (models).</para>
/// <para><b>Failures.</b> A judge that cannot answer an item throws <see cref="JudgeException"/> naming the item
/// (its index in the batch and an excerpt of its prompt) and the reason. It never substitutes ½ for a failure,
/// since ½ is a legitimate answer ("tie") and would silently bias training.</para>
/// <para><b>Position bias.</b> A judge need not be exactly skew-symmetric: P(a ≻ b) + P(b ≻ a) = 1 is not
/// required by this interface. Judges that are symmetric by construction (rule judges, reward-model judges
/// σ(r_a − r_b)) are left alone. Judges that read both completions side by side and may favour a position
/// (an LLM reading "A" before "B") cancel it themselves: <see cref="Llm.OpenAIJudge"/> asks every pair in both
/// orders and averages, P = ½(P(a ≻ b) + 1 − P(b ≻ a)). Any other judge can be wrapped in
/// <see cref="Composite.SymmetrizedJudge"/>, which applies the same average.</para>
/// <para><b>Identity.</b> <see cref="Id"/> is a stable string that changes whenever the judge's answers could
/// change (a different model, template or criterion); <see cref="Caching.CachingJudge"/> uses it in its keys.</para>
/// <para><b>Ownership.</b> Judges that hold resources (a child process, a database, HTTP connections) release them
/// in <see cref="IDisposable.Dispose"/>; composite judges own and dispose their members. Dispose is idempotent.</para>
/// </remarks>
public interface IPairwiseJudge : IDisposable
{
    /// <summary>A stable identifier of this judge and its settings, e.g. <c>vote(length,keywords,diversity)</c>.</summary>
    string Id { get; }

    /// <summary>Judges every comparison; the i-th verdict answers the i-th comparison.</summary>
    /// <exception cref="JudgeException">An item could not be judged; the message names it and says why.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    Task<IReadOnlyList<Verdict>> JudgeAsync(IReadOnlyList<Comparison> comparisons, CancellationToken cancellationToken = default);
}
