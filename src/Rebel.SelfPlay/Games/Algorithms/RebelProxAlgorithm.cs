using Rebel.SelfPlay.Training;

namespace Rebel.SelfPlay.Games.Algorithms;

/// <summary>
/// <c>rebel-prox</c>: REBEL with a prox/magnet term. Exact mode:
/// π_{t+1}(y) ∝ π_t(y)·exp(η [r_t(y) − β(ln π_t(y) − ln π_mag(y))]), and π_mag ← π_{t+1} every M iterations.
/// Sampled mode is the trainer's REBEL loss with its magnet, which folds the same term into each pair's target:
/// Δ = (l − ½) − β[(ln π_t(y) − ln π_mag(y)) − (ln π_t(y′) − ln π_mag(y′))], π_mag ← (1 − ε)π_t + ε π_ref every M
/// (π_ref is uniform unless the run gives one).
/// </summary>
internal sealed class RebelProxAlgorithm(GameAlgorithmOptions options) : GameAlgorithm(options)
{
    private readonly Magnet _magnet = new(options.Beta, options.MagnetInterval, options.MagnetMixing);

    /// <inheritdoc />
    public override string Name => "rebel-prox";

    /// <inheritdoc />
    protected override void OnStart(double[] initial) => _magnet.Reset(initial);

    /// <inheritdoc />
    public override void StepExact(Span<double> logits)
    {
        var logProbs = LogProbabilities(logits);
        var reward = Preference.WinRates(Exp(logProbs)); // r_t = P π_t
        var next = new double[logProbs.Length];
        for (var a = 0; a < next.Length; a++)
            next[a] = logProbs[a] + Options.Eta * (reward[a] + _magnet.Penalty(logProbs, a)); // ln π_t + η(r_t − β ln π_t/π_mag)
        SetLogits(logits, next);
        _magnet.AfterUpdate(logits);
    }

    /// <inheritdoc />
    public override RebelOptions SampledTraining => MagnetTraining;
}
