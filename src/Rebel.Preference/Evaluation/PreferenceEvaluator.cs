using Rebel.Preference.Data;
using Rebel.Preference.Models;

namespace Rebel.Preference.Evaluation;

/// <summary>Scores a preference model on labelled records: accuracy, log-loss, calibration and predicted cycles.</summary>
public static class PreferenceEvaluator
{
    /// <summary>Bins of the expected calibration error.</summary>
    public const int CalibrationBins = 10;

    /// <summary>At most this many distinct completions per prompt enter the triple count (the first ones seen).</summary>
    public const int MaxCompletionsPerPrompt = 24;

    private const double Clamp = 1e-12;

    /// <summary>Evaluates <paramref name="model"/> on <paramref name="records"/> (see <see cref="PreferenceMetrics"/> for definitions).</summary>
    /// <exception cref="ArgumentException">There are no records, or the model returns a value outside [0, 1].</exception>
    public static PreferenceMetrics Evaluate(IPreferenceModel model, IReadOnlyList<PreferenceRecord> records)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0) throw new ArgumentException("there are no records to evaluate", nameof(records));
        var q = model.PreferenceProbabilities(records.Select(r => r.ToComparison()).ToList());
        if (q.Length != records.Count) throw new ArgumentException($"the model returned {q.Length} probabilities for {records.Count} records");

        double correct = 0, logLoss = 0;
        int decided = 0;
        var binCount = new int[CalibrationBins];
        var binP = new double[CalibrationBins];
        var binQ = new double[CalibrationBins];
        for (int i = 0; i < q.Length; i++)
        {
            double p = records[i].P, qi = q[i];
            if (!(qi >= 0 && qi <= 1)) throw new ArgumentException($"the model returned {qi} for record {i}, not a probability");
            if (p != 0.5)
            {
                decided++;
                correct += qi == 0.5 ? 0.5 : (qi > 0.5) == (p > 0.5) ? 1 : 0;
            }
            double c = Math.Clamp(qi, Clamp, 1 - Clamp);
            logLoss -= p * Math.Log(c) + (1 - p) * Math.Log(1 - c);
            int bin = Math.Min((int)(qi * CalibrationBins), CalibrationBins - 1);
            binCount[bin]++;
            binP[bin] += p;
            binQ[bin] += qi;
        }
        double ece = 0;
        for (int b = 0; b < CalibrationBins; b++)
            if (binCount[b] > 0) ece += Math.Abs(binP[b] - binQ[b]) / q.Length; // (n_b/N)·|Σp/n_b − Σq/n_b|

        var (cyclic, triples) = CountCyclicTriples(model, records);
        return new PreferenceMetrics(q.Length, decided == 0 ? double.NaN : correct / decided, logLoss / q.Length, ece,
            triples == 0 ? double.NaN : (double)cyclic / triples, triples);
    }

    /// <summary>Counts triples (i &lt; j &lt; k) of distinct completions per prompt whose predicted preferences form a cycle.</summary>
    internal static (int Cyclic, int Triples) CountCyclicTriples(IPreferenceModel model, IReadOnlyList<PreferenceRecord> records)
    {
        var byPrompt = new Dictionary<string, List<string>>();
        foreach (var r in records)
        {
            if (!byPrompt.TryGetValue(r.Prompt, out var list)) byPrompt[r.Prompt] = list = [];
            foreach (var y in (string[])[r.A, r.B])
                if (list.Count < MaxCompletionsPerPrompt && !list.Contains(y)) list.Add(y);
        }
        var comparisons = new List<Comparison>();
        var triples = new List<(int Ij, int Jk, int Ik)>();
        foreach (var (prompt, ys) in byPrompt)
        {
            if (ys.Count < 3) continue;
            var pairIndex = new Dictionary<(int, int), int>();
            int Pair(int i, int j)
            {
                if (!pairIndex.TryGetValue((i, j), out int at))
                {
                    at = comparisons.Count;
                    pairIndex[(i, j)] = at;
                    comparisons.Add(new Comparison(prompt, ys[i], ys[j]));
                }
                return at;
            }
            for (int i = 0; i < ys.Count; i++)
                for (int j = i + 1; j < ys.Count; j++)
                    for (int k = j + 1; k < ys.Count; k++)
                        triples.Add((Pair(i, j), Pair(j, k), Pair(i, k)));
        }
        if (triples.Count == 0) return (0, 0);
        var p = model.PreferenceProbabilities(comparisons);
        int cyclic = 0;
        foreach (var (ij, jk, ik) in triples)
        {
            // i ≻ j ≻ k ≻ i, or i ≺ j ≺ k ≺ i (a tie, P = ½ exactly, breaks any cycle)
            bool forward = p[ij] > 0.5 && p[jk] > 0.5 && p[ik] < 0.5;
            bool backward = p[ij] < 0.5 && p[jk] < 0.5 && p[ik] > 0.5;
            if (forward || backward) cyclic++;
        }
        return (cyclic, triples.Count);
    }
}
