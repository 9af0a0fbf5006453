using Rebel.Preference;

namespace Rebel.Judges.Composite;

/// <summary>
/// Removes position bias by asking the inner judge both orders and averaging:
/// P(a ≻ b) = ½ (P_inner(a ≻ b) + 1 − P_inner(b ≻ a)), so that P(a ≻ b) + P(b ≻ a) = 1 exactly.
/// A judge that always favours the first position (P_inner ≡ 1) becomes the tie ½.
/// </summary>
/// <remarks>Spec: <c>symmetrize(SPEC)</c>. One inner call of 2n comparisons (the n originals, then the n swapped)
/// per batch. The wrapper owns the inner judge.</remarks>
public sealed class SymmetrizedJudge : IPairwiseJudge
{
    private readonly IPairwiseJudge _inner;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    public SymmetrizedJudge(IPairwiseJudge inner)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        Id = $"symmetrize({inner.Id})";
    }

    /// <inheritdoc/>
    public string Id { get; }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<Verdict>> JudgeAsync(IReadOnlyList<Comparison> comparisons, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(comparisons);
        int n = comparisons.Count;
        var both = new Comparison[2 * n];
        for (int i = 0; i < n; i++)
        {
            both[i] = comparisons[i];
            both[n + i] = comparisons[i].Swapped();
        }
        IReadOnlyList<Verdict> inner;
        try
        {
            inner = await _inner.JudgeAsync(both, cancellationToken).ConfigureAwait(false);
        }
        catch (JudgeException e) when (e.Index >= 0)
        {
            int i = e.Index % Math.Max(n, 1);
            var order = e.Index < n ? "as given" : "swapped";
            throw new JudgeException(Id, i, comparisons[i], $"{order}: {e.Reason}", e);
        }
        if (inner.Count != 2 * n)
            throw new JudgeException(Id, $"inner judge returned {inner.Count} verdicts for {2 * n} comparisons");

        var verdicts = new Verdict[n];
        for (int i = 0; i < n; i++)
        {
            double forward = inner[i].P, backward = inner[n + i].P;
            // P = ½ (P(a ≻ b) + 1 − P(b ≻ a))
            double p = Math.Clamp(0.5 * (forward + 1.0 - backward), 0.0, 1.0);
            verdicts[i] = new Verdict(p, rawAnswer: Raw(inner[i], inner[n + i]), rationale: $"as given {forward:0.###}, swapped {backward:0.###}");
        }
        return verdicts;
    }

    private static string? Raw(Verdict forward, Verdict backward) =>
        forward.RawAnswer is null && backward.RawAnswer is null ? null : $"{forward.RawAnswer} | {backward.RawAnswer}";

    /// <summary>Disposes the inner judge.</summary>
    public void Dispose() => _inner.Dispose();
}
