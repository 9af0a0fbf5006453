using System.Globalization;

namespace Rebel.Preference.Data;

/// <summary>
/// One labelled comparison: for prompt x, p = P(a ≻ b | x). A hard label <c>{"prompt","chosen","rejected"}</c>
/// becomes a = chosen, b = rejected, p = 1; a soft label <c>{"prompt","a","b","p"}</c> is taken as it is.
/// </summary>
public sealed record PreferenceRecord
{
    /// <summary>Creates a record; completions must be non-empty and p a probability.</summary>
    /// <exception cref="ArgumentException">An empty completion, or p outside [0, 1] (or NaN).</exception>
    public PreferenceRecord(string prompt, string a, string b, double p)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        CheckLabel(a, b, p);
        Prompt = prompt;
        A = a;
        B = b;
        P = p;
    }

    /// <summary>The prompt x (may be empty).</summary>
    public string Prompt { get; }

    /// <summary>The first completion y (for a hard label, the chosen one).</summary>
    public string A { get; }

    /// <summary>The second completion y′ (for a hard label, the rejected one).</summary>
    public string B { get; }

    /// <summary>P(a ≻ b | x) ∈ [0, 1]; 1 for a hard label.</summary>
    public double P { get; }

    /// <summary>The checks every labelled comparison passes: non-empty completions and p a probability.</summary>
    /// <exception cref="ArgumentException">An empty completion, or p outside [0, 1] (or NaN).</exception>
    internal static void CheckLabel(string a, string b, double p)
    {
        ArgumentException.ThrowIfNullOrEmpty(a);
        ArgumentException.ThrowIfNullOrEmpty(b);
        if (!(p >= 0.0 && p <= 1.0))
            throw new ArgumentOutOfRangeException(nameof(p), p, $"p = {p.ToString("R", CultureInfo.InvariantCulture)} is not a probability in [0, 1]");
    }

    /// <summary>The question this record answers, without its label.</summary>
    public Comparison ToComparison() => new(Prompt, A, B);

    /// <summary>The same judgement with the completions exchanged: (x, b, a, 1 − p).</summary>
    public PreferenceRecord Swapped() => new(Prompt, B, A, 1.0 - P);
}
