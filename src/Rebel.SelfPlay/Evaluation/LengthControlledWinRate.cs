namespace Rebel.SelfPlay.Evaluation;

/// <summary>
/// The length-controlled win rate in the manner of AlpacaEval 2: the win rate a logistic model of the verdict
/// predicts when both completions have the same length.
/// </summary>
/// <remarks>
/// <para><b>Model.</b> Verdict i has outcome p_i ∈ [0, 1] (hard 0/½/1 or a judge's soft probability) and length
/// difference d_i = ℓ(y_i) − ℓ(y′_i) (policy minus reference). With s the sample standard deviation of the d_i
/// (n − 1 in the denominator; the d_i are scaled, not centred, so that z = 0 means equal lengths),
/// <code>
///   z_i = tanh(d_i / s),   P(policy wins | d_i) = μ_i = σ(β₀ + β₁ z_i).
/// </code>
/// β is the maximum of the soft Bernoulli log-likelihood ℓ(β) = Σ_i p_i ln σ(η_i) + (1 − p_i) ln σ(−η_i), η = Xβ,
/// X = [1, z], found by Newton's method (equivalently IRLS) with step halving:
/// g = Xᵀ(p − μ), I(β) = Xᵀ W X with W = diag(μ_i (1 − μ_i)), β ← β + I⁻¹ g, until the step is below 1e-12.</para>
/// <para><b>Estimate.</b> The length-controlled win rate is the prediction at zero length difference,
/// LC = σ(β₀). Its standard error is the delta method on the inverse Fisher information:
/// SE(LC) = σ(β₀)(1 − σ(β₀)) · √((I⁻¹)₀₀); SE(β₀) = √((I⁻¹)₀₀), SE(β₁) = √((I⁻¹)₁₁). These treat the verdicts as
/// independent Bernoulli draws; with soft labels they are the usual quasi-likelihood values.</para>
/// <para><b>Degenerate data.</b> When the d_i do not vary (s = 0, e.g. every completion pair has equal length) or
/// there is a single verdict, there is nothing to adjust for: the model is intercept-only, β₁ = 0,
/// LC = p̄ (the raw win rate) and SE = √(p̄(1 − p̄)/N). When every p_i is 0 (or every one is 1) the maximum is
/// at β₀ = ∓∞: LC = p̄ and SE = 0 (the limits). When the verdicts are otherwise separated by length (the likelihood
/// grows without bound as |β| → ∞; detected as |β₀| or |β₁| passing 30, or 100 Newton steps), the fit does not
/// converge: <see cref="Converged"/> is false and <see cref="WinRate"/>, the coefficients and the standard errors are NaN.
/// No penalty is added to force an answer: an undefined length-controlled rate is reported as undefined.</para>
/// </remarks>
/// <param name="WinRate">LC = σ(β₀), or NaN when the fit did not converge.</param>
/// <param name="StandardError">SE(LC) by the delta method.</param>
/// <param name="Intercept">β₀ (±∞ when every outcome is 1 or every one is 0; NaN when the fit did not converge).</param>
/// <param name="Slope">β₁, the weight of tanh of the standardized length difference (0 for the intercept-only model; NaN when the fit did not converge).</param>
/// <param name="InterceptStandardError">SE(β₀) = √((I⁻¹)₀₀) (NaN when β₀ is infinite).</param>
/// <param name="SlopeStandardError">SE(β₁) = √((I⁻¹)₁₁) (NaN for the intercept-only model and when β₀ is infinite).</param>
/// <param name="LengthScale">s, the sample standard deviation of the length differences (0 when they do not vary).</param>
/// <param name="Iterations">Newton steps taken.</param>
/// <param name="Converged">Whether the maximum was found (true for the degenerate cases, which have closed forms).</param>
public sealed record LengthControlledWinRate(
    double WinRate,
    double StandardError,
    double Intercept,
    double Slope,
    double InterceptStandardError,
    double SlopeStandardError,
    double LengthScale,
    int Iterations,
    bool Converged)
{
    private const double Z95 = 1.959963984540054; // Φ⁻¹(0.975)

    /// <summary>
    /// The lower end of the 95% Wald interval of LC taken on the logit scale, σ(β₀ − 1.96 SE(β₀)). Unlike LC ± 1.96 SE(LC),
    /// it stays in [0, 1] and does not collapse when β₀ is far from 0 (where the delta method's SE(LC) understates
    /// the uncertainty, e.g. when every pair differs in length in the same direction and LC is an extrapolation).
    /// Equal to LC when the standard error is 0; NaN when the fit did not converge.
    /// </summary>
    public double IntervalLower => Bound(-1);

    /// <summary>The upper end, σ(β₀ + 1.96 SE(β₀)).</summary>
    public double IntervalUpper => Bound(+1);

    private double Bound(int side) =>
        !Converged ? double.NaN
        : StandardError == 0 || double.IsInfinity(Intercept) ? WinRate
        : Sigmoid(Intercept + side * Z95 * InterceptStandardError);

    private const int MaxIterations = 100;
    private const double StepTolerance = 1e-12;
    private const double CoefficientLimit = 30; // |β| beyond this: σ(η) is within 1e-13 of 0 or 1, i.e. separation

    /// <summary>Fits the model to outcomes p_i and length differences d_i (same count, at least one).</summary>
    /// <exception cref="ArgumentException">The lists differ in length or are empty, an outcome is outside [0, 1] or NaN, or a difference is not finite.</exception>
    public static LengthControlledWinRate Fit(IReadOnlyList<double> outcomes, IReadOnlyList<double> lengthDifferences)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        ArgumentNullException.ThrowIfNull(lengthDifferences);
        if (outcomes.Count != lengthDifferences.Count)
            throw new ArgumentException($"{outcomes.Count} outcomes but {lengthDifferences.Count} length differences", nameof(lengthDifferences));
        if (outcomes.Count == 0) throw new ArgumentException("the fit needs at least one verdict", nameof(outcomes));
        int n = outcomes.Count;
        var p = new double[n];
        var d = new double[n];
        for (int i = 0; i < n; i++)
        {
            p[i] = outcomes[i];
            d[i] = lengthDifferences[i];
            if (!(p[i] >= 0 && p[i] <= 1)) throw new ArgumentException($"outcome {i} is {p[i]}; outcomes must lie in [0, 1]", nameof(outcomes));
            if (!double.IsFinite(d[i])) throw new ArgumentException($"length difference {i} is {d[i]}; it must be finite", nameof(lengthDifferences));
        }

        double mean = p.Average();
        double scale = SampleStandardDeviation(d);
        if (mean is 0 or 1) // every outcome 0 (or 1): the maximum is at β₀ = ∓∞, β₁ = 0
            return new LengthControlledWinRate(mean, 0, mean == 1 ? double.PositiveInfinity : double.NegativeInfinity, 0, double.NaN, double.NaN, scale, 0, true);
        if (!(scale > 0)) // no length variation: intercept-only, β₀ = logit(p̄), Var(β₀) = 1/(N p̄(1 − p̄))
            return new LengthControlledWinRate(mean, Math.Sqrt(mean * (1 - mean) / n), Math.Log(mean / (1 - mean)), 0,
                1 / Math.Sqrt(n * mean * (1 - mean)), double.NaN, 0, 0, true);

        var z = d.Select(v => Math.Tanh(v / scale)).ToArray();              // z_i = tanh(d_i / s)
        double b0 = Math.Log(mean / (1 - mean)), b1 = 0;                     // start from the intercept-only fit
        double ll = LogLikelihood(p, z, b0, b1);
        int it = 0;
        while (it < MaxIterations)
        {
            it++;
            var (g0, g1, i00, i01, i11) = GradientAndInformation(p, z, b0, b1);
            double det = i00 * i11 - i01 * i01;
            if (!(det > 0)) break;
            double s0 = (i11 * g0 - i01 * g1) / det, s1 = (i00 * g1 - i01 * g0) / det; // I⁻¹ g
            double t = 1, next = LogLikelihood(p, z, b0 + s0, b1 + s1);
            while (!(next >= ll - 1e-12 * Math.Abs(ll)) && t > 1e-10)           // halve the step until ℓ does not drop
            {
                t /= 2;
                next = LogLikelihood(p, z, b0 + t * s0, b1 + t * s1);
            }
            b0 += t * s0;
            b1 += t * s1;
            ll = next;
            if (Math.Abs(b0) > CoefficientLimit || Math.Abs(b1) > CoefficientLimit) break;
            if (Math.Max(Math.Abs(t * s0), Math.Abs(t * s1)) < StepTolerance)
            {
                var (_, _, j00, j01, j11) = GradientAndInformation(p, z, b0, b1);
                double dj = j00 * j11 - j01 * j01;
                double var0 = j11 / dj, var1 = j00 / dj;                     // diagonal of I⁻¹
                double lc = Sigmoid(b0);
                return new LengthControlledWinRate(lc, lc * (1 - lc) * Math.Sqrt(var0), b0, b1, Math.Sqrt(var0), Math.Sqrt(var1), scale, it, true);
            }
        }
        return new LengthControlledWinRate(double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, scale, it, false);
    }

    private static (double G0, double G1, double I00, double I01, double I11) GradientAndInformation(double[] p, double[] z, double b0, double b1)
    {
        double g0 = 0, g1 = 0, i00 = 0, i01 = 0, i11 = 0;
        for (int i = 0; i < p.Length; i++)
        {
            double mu = Sigmoid(b0 + b1 * z[i]), w = mu * (1 - mu), r = p[i] - mu;
            g0 += r; g1 += r * z[i];                                         // g = Xᵀ(p − μ)
            i00 += w; i01 += w * z[i]; i11 += w * z[i] * z[i];               // I = Xᵀ W X
        }
        return (g0, g1, i00, i01, i11);
    }

    private static double LogLikelihood(double[] p, double[] z, double b0, double b1)
    {
        double ll = 0;
        for (int i = 0; i < p.Length; i++)
        {
            double eta = b0 + b1 * z[i];
            ll -= p[i] * Softplus(-eta) + (1 - p[i]) * Softplus(eta);       // p ln σ(η) + (1 − p) ln σ(−η)
        }
        return ll;
    }

    private static double Softplus(double x) => Math.Max(x, 0) + double.LogP1(Math.Exp(-Math.Abs(x)));

    private static double Sigmoid(double x) => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));

    private static double SampleStandardDeviation(double[] d)
    {
        if (d.Length < 2) return 0;
        double m = d.Average();
        return Math.Sqrt(d.Sum(v => (v - m) * (v - m)) / (d.Length - 1));
    }
}
