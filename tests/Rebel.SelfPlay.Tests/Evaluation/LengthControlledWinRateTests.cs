using System.Text.Json;
using Rebel.SelfPlay.Evaluation;

namespace Rebel.SelfPlay.Tests.Evaluation;

/// <summary>The length-controlled win rate and the raw statistics against scipy (tools/win_rate_fixtures.py), and its degenerate cases.</summary>
public class LengthControlledWinRateTests
{
    public sealed record Case(string Name, int Samples, double[] P, int[] PolicyLengths, int[] ReferenceLengths, JsonElement Expected)
    {
        public override string ToString() => Name;

        public double Value(string key) => Expected.GetProperty(key).GetDouble();

        /// <summary>The fixture's verdicts, with completions of the given lengths.</summary>
        public WinRateVerdict[] Verdicts() => P.Select((p, i) => new WinRateVerdict(i / Samples, i % Samples, $"prompt {i / Samples}",
            new string('y', PolicyLengths[i]), new string('r', ReferenceLengths[i]), p)).ToArray();
    }

    public static IEnumerable<Case> Cases()
    {
        var path = Path.Combine(TestContext.CurrentContext.TestDirectory, "fixtures", "win_rate.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
            yield return new Case(c.GetProperty("name").GetString()!, c.GetProperty("samples").GetInt32(),
                c.GetProperty("p").EnumerateArray().Select(v => v.GetDouble()).ToArray(),
                c.GetProperty("policy_lengths").EnumerateArray().Select(v => v.GetInt32()).ToArray(),
                c.GetProperty("reference_lengths").EnumerateArray().Select(v => v.GetInt32()).ToArray(), c.Clone());
    }

    [TestCaseSource(nameof(Cases))]
    public void Fit_MatchesScipy(Case c)
    {
        var fit = LengthControlledWinRate.Fit(c.P, c.PolicyLengths.Select((a, i) => (double)(a - c.ReferenceLengths[i])).ToArray());
        Assert.Multiple(() =>
        {
            Assert.That(fit.Converged, Is.True);
            Assert.That(fit.LengthScale, Is.EqualTo(c.Value("length_scale")).Within(1e-6));
            Assert.That(fit.Intercept, Is.EqualTo(c.Value("intercept")).Within(1e-6));
            Assert.That(fit.Slope, Is.EqualTo(c.Value("slope")).Within(1e-6));
            Assert.That(fit.InterceptStandardError, Is.EqualTo(c.Value("intercept_se")).Within(1e-6));
            Assert.That(fit.SlopeStandardError, Is.EqualTo(c.Value("slope_se")).Within(1e-6));
            Assert.That(fit.WinRate, Is.EqualTo(c.Value("lc_win_rate")).Within(1e-6));
            Assert.That(fit.StandardError, Is.EqualTo(c.Value("lc_standard_error")).Within(1e-6));
            Assert.That(fit.IntervalLower, Is.EqualTo(c.Value("lc_interval_low")).Within(1e-6));
            Assert.That(fit.IntervalUpper, Is.EqualTo(c.Value("lc_interval_high")).Within(1e-6));
        });
    }

    [TestCaseSource(nameof(Cases))]
    public void Summarize_RawAndLengthControlled_MatchScipy(Case c)
    {
        var result = WinRateEvaluator.Summarize(c.Verdicts(), new WinRateOptions { Samples = c.Samples, BootstrapResamples = 200 });
        Assert.Multiple(() =>
        {
            Assert.That(result.WinRate, Is.EqualTo(c.Value("win_rate")).Within(1e-12));
            Assert.That(result.StandardError, Is.EqualTo(c.Value("standard_error")).Within(1e-12));
            Assert.That(result.LengthControlled.WinRate, Is.EqualTo(c.Value("lc_win_rate")).Within(1e-6));
            Assert.That(result.LengthControlled.StandardError, Is.EqualTo(c.Value("lc_standard_error")).Within(1e-6));
            Assert.That(result.Wins + result.Ties + result.Losses, Is.EqualTo(c.P.Length));
            Assert.That(result.Ties, Is.EqualTo(c.P.Count(p => p == 0.5)));
            Assert.That(result.Prompts, Is.EqualTo(c.P.Length / c.Samples));
            Assert.That(result.Interval!.Contains(result.WinRate), Is.True);
        });
    }

    [Test]
    public void Fit_LongerAlwaysBetter_RemovesTheLengthAdvantage()
    {
        // verdicts driven by length only: the policy is longer on most prompts, so its raw win rate is high,
        // but at equal length the model predicts a coin flip
        var rng = new Random(3);
        var d = Enumerable.Range(0, 400).Select(_ => (double)rng.Next(-40, 120)).ToArray();
        double s = Math.Sqrt(d.Select(v => (v - d.Average()) * (v - d.Average())).Sum() / (d.Length - 1));
        var p = d.Select(v => 1 / (1 + Math.Exp(-2 * Math.Tanh(v / s)))).ToArray();       // soft, intercept 0
        var fit = LengthControlledWinRate.Fit(p, d);
        Assert.That(p.Average(), Is.GreaterThan(0.6));
        Assert.That(fit.WinRate, Is.EqualTo(0.5).Within(1e-9));
        Assert.That(fit.Slope, Is.EqualTo(2).Within(1e-9));
    }

    [Test]
    public void Fit_EqualLengths_IsTheRawRateWithBinomialError()
    {
        var p = new[] { 1, 0, 1, 0.5, 1 };
        var fit = LengthControlledWinRate.Fit(p, new double[5]);
        Assert.That(fit.WinRate, Is.EqualTo(0.7).Within(1e-12));
        Assert.That(fit.StandardError, Is.EqualTo(Math.Sqrt(0.7 * 0.3 / 5)).Within(1e-12));
        Assert.That(fit.Slope, Is.Zero);
        Assert.That(fit.Converged, Is.True);
    }

    [Test]
    public void Fit_AllWins_IsOneWithZeroError()
    {
        var fit = LengthControlledWinRate.Fit([1, 1, 1], [3, -5, 8]);
        Assert.That(fit.WinRate, Is.EqualTo(1));
        Assert.That(fit.StandardError, Is.Zero);
        Assert.That(fit.Intercept, Is.EqualTo(double.PositiveInfinity));
        Assert.That((fit.IntervalLower, fit.IntervalUpper), Is.EqualTo((1.0, 1.0)));
    }

    [Test]
    public void Fit_SeparatedByLength_DoesNotConverge()
    {
        // longer always wins, shorter always loses: the likelihood grows without bound in β₁
        var fit = LengthControlledWinRate.Fit([1, 1, 0, 0, 1, 0], [5, 10, -3, -8, 2, -1]);
        Assert.That(fit.Converged, Is.False);
        Assert.That(fit.WinRate, Is.NaN);
        Assert.That(fit.StandardError, Is.NaN);
        Assert.That(fit.Intercept, Is.NaN);
        Assert.That(fit.IntervalLower, Is.NaN);
        Assert.That(fit.Iterations, Is.InRange(1, 100));
    }

    [Test]
    public void Fit_BadInput_Throws()
    {
        Assert.Throws<ArgumentException>(() => LengthControlledWinRate.Fit([], []));
        Assert.That(Assert.Throws<ArgumentException>(() => LengthControlledWinRate.Fit([1, 0], [1]))!.Message, Does.Contain("2 outcomes but 1"));
        Assert.That(Assert.Throws<ArgumentException>(() => LengthControlledWinRate.Fit([1, 1.5], [1, 2]))!.Message, Does.Contain("outcome 1 is 1.5"));
        Assert.Throws<ArgumentException>(() => LengthControlledWinRate.Fit([1, double.NaN], [1, 2]));
        Assert.Throws<ArgumentException>(() => LengthControlledWinRate.Fit([1, 0], [1, double.PositiveInfinity]));
    }
}
