using Rebel.SelfPlay.Games.Losses;

namespace Rebel.SelfPlay.Games.Algorithms;

/// <summary>
/// <c>nash-md</c>: Nash mirror descent. Each iteration first forms the geometric mixture
/// π_t^μ(y) ∝ π_t(y)^{1−ηβ} · π_ref(y)^{ηβ}, then takes a mirror step from it against itself:
/// π_{t+1}(y) ∝ π_t^μ(y) · exp(η P(y ≻ π_t^μ)). Its last iterate converges to the equilibrium of the game
/// regularized toward π_ref by β, which is not exactly the minimax winner (an O(β) bias).
/// Sampled mode draws y, y′ ~ π_t^μ and regresses with π_t^μ as the anchor (the REBEL loss); its minimizer is the
/// same step.
/// </summary>
public sealed class NashMdAlgorithm(GameAlgorithmOptions options) : GameAlgorithm(options)
{
    /// <inheritdoc />
    public override string Name => "nash-md";

    /// <inheritdoc />
    public override void StepExact(TabularPolicy policy)
    {
        var mixture = MixtureLogProbs(policy);
        var reward = Preference.WinRates(Exp(mixture)); // P(y ≻ π_t^μ)
        for (var a = 0; a < mixture.Length; a++) mixture[a] += Options.Eta * reward[a]; // ln π_t^μ + η P(y ≻ π_t^μ)
        SetLogits(policy, mixture);
    }

    /// <inheritdoc />
    public override void StepSampled(TabularPolicy policy, int samples, Random random)
    {
        var mixture = MixtureLogProbs(policy);
        var batch = DrawPairs(mixture, samples, random); // y, y′ ~ π_t^μ, anchor ln π_t^μ
        var fitted = (double[])mixture.Clone();
        PairRegression.Fit(new RebelRegressionLoss(Options.Eta), batch, fitted, Options.RegressionSteps, Options.RegressionStepSize);
        SetLogits(policy, fitted);
    }

    /// <summary>ln π_t^μ = (1 − ηβ) ln π_t + ηβ ln π_ref − ln Z.</summary>
    private double[] MixtureLogProbs(TabularPolicy policy)
    {
        var weight = Math.Min(1, Options.Eta * Options.Beta); // ηβ
        var current = policy.LogProbabilities();
        var reference = Reference.LogProbabilities();
        for (var a = 0; a < current.Length; a++) current[a] = (1 - weight) * current[a] + weight * reference[a];
        SoftmaxMath.Normalize(current);
        return current;
    }
}
