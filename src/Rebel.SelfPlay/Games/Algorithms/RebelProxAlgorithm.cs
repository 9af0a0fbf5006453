using Rebel.SelfPlay.Games.Losses;

namespace Rebel.SelfPlay.Games.Algorithms;

/// <summary>
/// <c>rebel-prox</c>: REBEL with a prox/magnet term. Exact mode:
/// π_{t+1}(y) ∝ π_t(y)·exp(η [r_t(y) − β(ln π_t(y) − ln π_mag(y))]), and π_mag ← π_{t+1} every M iterations.
/// Sampled mode folds the same term into each pair's target, as the reference penalty of reward mode:
/// Δ = (l − ½) − β[(ln π_t(y) − ln π_mag(y)) − (ln π_t(y′) − ln π_mag(y′))].
/// </summary>
public sealed class RebelProxAlgorithm(GameAlgorithmOptions options) : GameAlgorithm(options)
{
    private readonly Magnet _magnet = new(options.Beta, options.MagnetInterval, options.MagnetMixing);

    /// <inheritdoc />
    public override string Name => "rebel-prox";

    /// <inheritdoc />
    protected override void OnStart(TabularPolicy initial) => _magnet.Reset(initial);

    /// <inheritdoc />
    public override void StepExact(TabularPolicy policy)
    {
        var logProbs = policy.LogProbabilities();
        var reward = Preference.WinRates(Exp(logProbs)); // r_t = P π_t
        var next = new double[logProbs.Length];
        for (var a = 0; a < next.Length; a++)
            next[a] = logProbs[a] + Options.Eta * (reward[a] + _magnet.Penalty(logProbs, a)); // ln π_t + η(r_t − β ln π_t/π_mag)
        SetLogits(policy, next);
        _magnet.AfterUpdate(policy);
    }

    /// <inheritdoc />
    public override void StepSampled(TabularPolicy policy, int samples, Random random)
    {
        var logProbs = policy.LogProbabilities();
        var batch = DrawPairs(logProbs, samples, random);
        for (var i = 0; i < batch.Count; i++) // Δ −= β[(ln π_t/π_mag)(y) − (ln π_t/π_mag)(y′)]
            batch.Target[i] += _magnet.Penalty(logProbs, batch.First[i]) - _magnet.Penalty(logProbs, batch.Second[i]);
        var fitted = (double[])logProbs.Clone();
        PairRegression.Fit(new RebelRegressionLoss(Options.Eta), batch, fitted, Options.RegressionSteps, Options.RegressionStepSize);
        SetLogits(policy, fitted);
        _magnet.AfterUpdate(policy);
    }
}
