using Rebel.Preference.Statistics;

namespace Rebel.SelfPlay.Evaluation;

/// <summary>
/// The outcome of a win-rate evaluation of a policy against a reference (see <see cref="WinRateEvaluator"/>).
/// </summary>
/// <remarks>
/// With K prompts, n samples each and p_ks the verdict of sample s on prompt k (ties count ½ through p = ½):
/// per-prompt means m_k = (1/n) Σ_s p_ks; the win rate is W = (1/K) Σ_k m_k (the mean of all verdicts);
/// its standard error treats prompts as the independent units, SE = sd(m)/√K with sd the sample standard deviation
/// (K − 1 in the denominator; NaN for K = 1); the interval is the bootstrap percentile interval of W under
/// resampling the K prompts with replacement (the samples of one prompt stay together).
/// </remarks>
/// <param name="WinRate">W, the mean verdict P(policy ≻ reference), ties ½.</param>
/// <param name="StandardError">sd(m)/√K over the per-prompt means.</param>
/// <param name="Interval">The bootstrap percentile interval over prompts (null with fewer than 2 prompts or no resamples).</param>
/// <param name="Confidence">1 − α, the interval's coverage.</param>
/// <param name="Wins">Verdicts with p &gt; ½.</param>
/// <param name="Ties">Verdicts with p = ½ exactly.</param>
/// <param name="Losses">Verdicts with p &lt; ½.</param>
/// <param name="Prompts">K, prompts evaluated.</param>
/// <param name="Samples">n, samples per prompt.</param>
/// <param name="LengthControlled">The length-controlled win rate (AlpacaEval 2 style) fitted to the same verdicts.</param>
/// <param name="Verdicts">Every verdict, prompt-major (prompt 0's samples first).</param>
public sealed record WinRateResult(
    double WinRate,
    double StandardError,
    ConfidenceInterval? Interval,
    double Confidence,
    int Wins,
    int Ties,
    int Losses,
    int Prompts,
    int Samples,
    LengthControlledWinRate LengthControlled,
    IReadOnlyList<WinRateVerdict> Verdicts)
{
    /// <summary>
    /// Verdicts loaded from an earlier, interrupted run by <see cref="WinRateEvaluator.RunAsync"/> rather than judged by
    /// this call (0 for a fresh run and for the in-memory methods). Not part of the statistics or of <c>eval.json</c>.
    /// </summary>
    public int Resumed { get; init; }

    /// <summary>N = K · n, the number of verdicts.</summary>
    public int Count => Verdicts.Count;

    /// <summary>
    /// The mean length of the policy's completions, in characters (see <see cref="WinRateVerdict.Length"/>); set by
    /// <see cref="WinRateEvaluator.Summarize"/> from the same lengths as the length-controlled fit (NaN when not set).
    /// </summary>
    public double MeanLength { get; init; } = double.NaN;

    /// <summary>The mean length of the reference's completions, in characters (set like <see cref="MeanLength"/>).</summary>
    public double MeanReferenceLength { get; init; } = double.NaN;
}
