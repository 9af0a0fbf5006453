using Rebel.SelfPlay.Games.Sampling;
using Rebel.Tensors;

namespace Rebel.SelfPlay.Games.Algorithms;

/// <summary>
/// <c>rebel-optimistic</c>: optimistic REBEL, with the prox/magnet term of <see cref="RebelProxAlgorithm"/>
/// (β = 0 turns it off). With g_t(y) = r_t(y) − β(ln π_t(y) − ln π_mag(y)), exact mode is
/// π_{t+1}(y) ∝ π_t(y)·exp(η [2 g_t(y) − g_{t−1}(y)]) (g_0 = g_1 on the first step), π_mag ← π_{t+1} every M.
/// In sampled mode g_{t−1} is not known exactly; the step uses the fitted updates instead: v_t = θ_fit − ln π_t
/// from the prox regression on this iteration's pairs (v_t ≈ η g_t), and θ_{t+1} = ln π_t + 2 v_t − v_{t−1}.
/// </summary>
internal sealed class RebelOptimisticAlgorithm(GameAlgorithmOptions options) : GameAlgorithm(options)
{
    private readonly Magnet _magnet = new(options.Beta, options.MagnetInterval, options.MagnetMixing);
    private double[]? _previous; // η g_{t−1} (exact) or v_{t−1} (sampled)

    /// <inheritdoc />
    public override string Name => "rebel-optimistic";

    /// <inheritdoc />
    protected override void OnStart(double[] initial)
    {
        _magnet.Reset(initial);
        _previous = null;
    }

    /// <inheritdoc />
    public override void StepExact(Span<double> logits)
    {
        var logProbs = LogProbabilities(logits);
        var reward = Preference.WinRates(Exp(logProbs)); // r_t = P π_t
        var step = new double[logProbs.Length];
        for (var a = 0; a < step.Length; a++) step[a] = Options.Eta * (reward[a] + _magnet.Penalty(logProbs, a)); // η g_t
        ApplyOptimistic(logits, logProbs, step);
    }

    /// <inheritdoc />
    public override void StepSampled(Span<double> logits, int samples, Rng random)
    {
        var logProbs = LogProbabilities(logits);
        var batch = DrawPairs(logProbs, samples, random);
        for (var i = 0; i < batch.Count; i++)
            batch.Target[i] += _magnet.Penalty(logProbs, batch.First[i]) - _magnet.Penalty(logProbs, batch.Second[i]);
        var fitted = (double[])logProbs.Clone();
        PairRegression.FitRebel(batch, fitted, Options.Eta, Options.RegressionSteps, Options.RegressionStepSize);
        for (var a = 0; a < fitted.Length; a++) fitted[a] -= logProbs[a]; // v_t = θ_fit − ln π_t
        ApplyOptimistic(logits, logProbs, fitted);
    }

    private void ApplyOptimistic(Span<double> logits, double[] logProbs, double[] step)
    {
        var previous = _previous ?? step;
        var next = new double[logProbs.Length];
        for (var a = 0; a < next.Length; a++) next[a] = logProbs[a] + 2 * step[a] - previous[a]; // ln π_t + η(2 g_t − g_{t−1})
        _previous = step;
        SetLogits(logits, next);
        _magnet.AfterUpdate(logits);
    }
}
