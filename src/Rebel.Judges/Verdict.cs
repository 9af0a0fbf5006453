namespace Rebel.Judges;

/// <summary>
/// A judge's answer to one comparison: <see cref="P"/> = P(a ≻ b | x) ∈ [0, 1], with optional metadata.
/// </summary>
public sealed record Verdict
{
    /// <summary>Creates a verdict; <paramref name="p"/> must be a number in [0, 1] (NaN is rejected).</summary>
    public Verdict(double p, string? rawAnswer = null, string? rationale = null)
    {
        if (!(p >= 0.0 && p <= 1.0))
            throw new ArgumentOutOfRangeException(nameof(p), p, "a verdict's probability must lie in [0, 1]");
        P = p;
        RawAnswer = rawAnswer;
        Rationale = rationale;
    }

    /// <summary>P(a ≻ b | x): 1 means a surely wins, 0 means b surely wins, ½ is a tie.</summary>
    public double P { get; }

    /// <summary>The judge's answer as it was given (an LLM's text, a child process's line), when there is one.</summary>
    public string? RawAnswer { get; }

    /// <summary>A short human-readable reason, when the judge gives one.</summary>
    public string? Rationale { get; }

    /// <summary>The hard verdict for a score comparison: 1 if <paramref name="scoreA"/> is larger, 0 if smaller, ½ if equal.</summary>
    public static Verdict FromScores(double scoreA, double scoreB, string? rationale = null) =>
        new(scoreA > scoreB ? 1.0 : scoreA < scoreB ? 0.0 : 0.5, rationale: rationale);

    /// <summary>A tie, P = ½.</summary>
    public static Verdict Tie { get; } = new(0.5);
}
