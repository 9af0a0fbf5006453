using Rebel.SelfPlay.Training;

namespace Rebel.SelfPlay.Games.Algorithms;

/// <summary>
/// <c>rebel-optimistic</c>: optimistic REBEL, with the prox/magnet term of <see cref="RebelProxAlgorithm"/>
/// (β = 0 turns it off). With g_t(y) = r_t(y) − β(ln π_t(y) − ln π_mag(y)), exact mode is
/// π_{t+1}(y) ∝ π_t(y)·exp(η [2 g_t(y) − g_{t−1}(y)]) (g_0 = g_1 on the first step), π_mag ← π_{t+1} every M.
/// In sampled mode g_{t−1} is not known exactly; the trainer's optimistic REBEL (<see cref="RebelOptions.Optimistic"/>)
/// uses the fitted steps instead: v_t = θ_fit − θ_t from the prox regression on this iteration's pairs (v_t ≈ η g_t),
/// and θ_{t+1} = θ_fit + v_t − v_{t−1}.
/// </summary>
internal sealed class RebelOptimisticAlgorithm(GameAlgorithmOptions options) : GameAlgorithm(options)
{
    private readonly Magnet _magnet = new(options.Beta, options.MagnetInterval, options.MagnetMixing);
    private double[]? _previous; // η g_{t−1}

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
    public override RebelOptions SampledTraining => MagnetTraining with { Optimistic = true };

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
