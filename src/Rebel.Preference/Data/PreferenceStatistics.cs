namespace Rebel.Preference.Data;

/// <summary>
/// Summary statistics of a preference dataset.
/// </summary>
/// <param name="Count">Number of records.</param>
/// <param name="DistinctPrompts">Number of distinct prompts (ordinal string equality).</param>
/// <param name="MeanP">Mean of p = P(a ≻ b) over records (1 for a purely chosen/rejected dataset).</param>
/// <param name="Ties">Records with p = ½ exactly.</param>
/// <param name="RepeatedComparisons">Comparisons (prompt with an unordered pair {a, b}) labelled more than once.</param>
/// <param name="Agreement">
/// Agreement between repeated labels of the same comparison: the mean, over every two labels p, q of one
/// comparison (both oriented to the same order of a and b), of p·q + (1 − p)(1 − q) — the chance that two
/// independent draws from the labels agree (1 for equal hard labels, 0 for opposite ones, ½ against a tie).
/// Null when no comparison is repeated.
/// </param>
/// <param name="LengthBias">
/// Share of records whose preferred completion (a when p &gt; ½, b when p &lt; ½) is the longer one, among
/// records with p ≠ ½ and completions of different lengths (UTF-16 characters). ½ means no length bias;
/// null when no record qualifies.
/// </param>
public sealed record PreferenceStatistics(
    int Count,
    int DistinctPrompts,
    double MeanP,
    int Ties,
    int RepeatedComparisons,
    double? Agreement,
    double? LengthBias)
{
    /// <summary>Computes the statistics in one pass (memory grows with the number of distinct comparisons).</summary>
    /// <exception cref="ArgumentException">The sequence is empty.</exception>
    public static PreferenceStatistics Compute(IEnumerable<PreferenceRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        int count = 0, ties = 0, longerPreferred = 0, lengthEligible = 0;
        double sumP = 0;
        var prompts = new HashSet<string>(StringComparer.Ordinal);
        var labels = new Dictionary<(string Prompt, string First, string Second), List<double>>();
        foreach (var r in records)
        {
            count++;
            sumP += r.P;
            prompts.Add(r.Prompt);
            if (r.P == 0.5) ties++;
            else if (r.A.Length != r.B.Length)
            {
                lengthEligible++;
                bool aPreferred = r.P > 0.5;
                if (aPreferred == (r.A.Length > r.B.Length)) longerPreferred++;
            }
            // orient every label to P(first ≻ second) with first ≤ second ordinally
            bool inOrder = string.CompareOrdinal(r.A, r.B) <= 0;
            var key = inOrder ? (r.Prompt, r.A, r.B) : (r.Prompt, r.B, r.A);
            if (!labels.TryGetValue(key, out var list)) labels[key] = list = new List<double>(1);
            list.Add(inOrder ? r.P : 1.0 - r.P);
        }
        if (count == 0) throw new ArgumentException("the dataset has no records", nameof(records));

        int repeated = 0;
        double agreeSum = 0;
        long agreePairs = 0;
        foreach (var list in labels.Values)
        {
            if (list.Count < 2) continue;
            repeated++;
            for (int i = 0; i < list.Count; i++)
                for (int j = i + 1; j < list.Count; j++)
                {
                    agreeSum += list[i] * list[j] + (1 - list[i]) * (1 - list[j]); // P(two draws agree)
                    agreePairs++;
                }
        }
        return new PreferenceStatistics(
            count,
            prompts.Count,
            sumP / count,
            ties,
            repeated,
            agreePairs > 0 ? agreeSum / agreePairs : null,
            lengthEligible > 0 ? (double)longerPreferred / lengthEligible : null);
    }
}
