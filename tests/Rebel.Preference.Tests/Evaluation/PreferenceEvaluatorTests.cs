using Rebel.Preference.Data;
using Rebel.Preference.Evaluation;
using Rebel.Preference.Models;

namespace Rebel.Preference.Tests.Evaluation;

public class PreferenceEvaluatorTests
{
    /// <summary>P(a ≻ b) from a fixed table keyed by (a, b); b ≻ a gets 1 − P.</summary>
    private sealed class TableModel(Dictionary<(string, string), double> table) : IPreferenceModel
    {
        public string Name => "table";

        public double[] PreferenceProbabilities(IReadOnlyList<Comparison> comparisons) =>
            comparisons.Select(c => table.TryGetValue((c.A, c.B), out var p) ? p : 1 - table[(c.B, c.A)]).ToArray();
    }

    [Test]
    public void Evaluate_ComputesAccuracyLogLossCalibrationAndCycles()
    {
        // x: r ≻ p ≻ s ≻ r predicted (a cycle); y: a ≻ b ≻ c transitive.
        var model = new TableModel(new()
        {
            [("r", "p")] = 0.9, [("p", "s")] = 0.9, [("r", "s")] = 0.2,
            [("a", "b")] = 0.7, [("b", "c")] = 0.7, [("a", "c")] = 0.6,
        });
        var records = new List<PreferenceRecord>
        {
            new("x", "r", "p", 1.0), // q 0.9, right
            new("x", "p", "s", 0.0), // q 0.9, wrong
            new("y", "a", "b", 1.0), // q 0.7, right
            new("y", "b", "c", 1.0), // q 0.7, right
            new("y", "a", "c", 0.5), // q 0.6, undecided label: not in accuracy
        };
        var m = PreferenceEvaluator.Evaluate(model, records);
        Assert.That(m.Count, Is.EqualTo(5));
        Assert.That(m.Accuracy, Is.EqualTo(0.75));
        double expectedLoss = -(Math.Log(0.9) + Math.Log(0.1) + 2 * Math.Log(0.7) + 0.5 * Math.Log(0.6) + 0.5 * Math.Log(0.4)) / 5;
        Assert.That(m.LogLoss, Is.EqualTo(expectedLoss).Within(1e-12));
        // bins: 0.9 → {p 1, 0}, 0.7 → {1, 1}, 0.6 → {0.5}: (|1 − 1.8| + |2 − 1.4| + |0.5 − 0.6|) / 5
        Assert.That(m.ExpectedCalibrationError, Is.EqualTo((0.8 + 0.6 + 0.1) / 5).Within(1e-12));
        Assert.That(m.Triples, Is.EqualTo(2));
        Assert.That(m.CyclicTripleShare, Is.EqualTo(0.5));
    }

    [Test]
    public void Evaluate_RejectsEmptyDataAndOutOfRangeProbabilities()
    {
        var bad = new TableModel(new() { [("a", "b")] = 1.5 });
        Assert.Throws<ArgumentException>(() => PreferenceEvaluator.Evaluate(bad, []));
        Assert.Throws<ArgumentException>(() => PreferenceEvaluator.Evaluate(bad, [new PreferenceRecord("x", "a", "b", 1.0)]));
    }
}
