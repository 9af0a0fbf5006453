namespace Rebel.Preference.Models;

/// <summary>
/// A model of pairwise preference: l(x, y, y′) = P(y ≻ y′ | x). It need not be transitive, nor (unless the
/// implementation says so) exactly skew-symmetric; judges can enforce P(a ≻ b) + P(b ≻ a) = 1 on top.
/// </summary>
public interface IPreferenceModel
{
    /// <summary>A short stable identifier (used in cache keys and reports).</summary>
    string Name { get; }

    /// <summary>P(a ≻ b | prompt) for each comparison, in order; every value lies in [0, 1].</summary>
    double[] PreferenceProbabilities(IReadOnlyList<Comparison> comparisons);
}
