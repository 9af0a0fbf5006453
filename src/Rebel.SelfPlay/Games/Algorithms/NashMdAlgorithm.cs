using Rebel.SelfPlay.Policies;
using Rebel.SelfPlay.Training;

namespace Rebel.SelfPlay.Games.Algorithms;

/// <summary>
/// <c>nash-md</c>: Nash mirror descent. Each iteration first forms the geometric mixture
/// π_t^μ(y) ∝ π_t(y)^{1−ηβ} · π_ref(y)^{ηβ}, then takes a mirror step from it against itself:
/// π_{t+1}(y) ∝ π_t^μ(y) · exp(η P(y ≻ π_t^μ)). Its last iterate converges to the equilibrium of the game
/// regularized toward π_ref by β, which is not exactly the minimax winner (an O(β) bias).
/// Sampled mode is the trainer's Nash-MD loss: y, y′ ~ π_t^μ, regressed with π_t^μ as the anchor; its minimizer is
/// the same step.
/// </summary>
internal sealed class NashMdAlgorithm(GameAlgorithmOptions options) : GameAlgorithm(options)
{
    /// <inheritdoc />
    public override string Name => "nash-md";

    /// <inheritdoc />
    public override void StepExact(Span<double> logits)
    {
        var mixture = MixtureLogProbs(logits);
        var reward = Preference.WinRates(Exp(mixture)); // P(y ≻ π_t^μ)
        for (var a = 0; a < mixture.Length; a++) mixture[a] += Options.Eta * reward[a]; // ln π_t^μ + η P(y ≻ π_t^μ)
        SetLogits(logits, mixture);
    }

    /// <inheritdoc />
    public override RebelOptions SampledTraining => new() { Loss = "nash-md", Eta = Options.Eta, Beta = Options.Beta };

    /// <summary>ln π_t^μ = (1 − ηβ) ln π_t + ηβ ln π_ref − ln Z.</summary>
    private double[] MixtureLogProbs(ReadOnlySpan<double> logits)
    {
        var weight = Math.Min(1, Options.Eta * Options.Beta); // ηβ
        var current = LogProbabilities(logits);
        var reference = ReferenceLogProbs();
        for (var a = 0; a < current.Length; a++) current[a] = (1 - weight) * current[a] + weight * reference[a];
        SoftmaxMath.Normalize(current);
        return current;
    }
}
