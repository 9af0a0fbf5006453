using Rebel.SelfPlay.Training;

namespace Rebel.SelfPlay.Games.Algorithms;

/// <summary>
/// <c>rebel</c>: plain REBEL. Exact mode is the perfect-regression update, mirror descent with the win rate
/// against the current policy as reward: π_{t+1}(y) ∝ π_t(y)·exp(η r_t(y)), r_t(y) = P(y ≻ π_t) = (P π_t)_y.
/// Sampled mode is the trainer's REBEL loss: (1/η)[(ln π_θ(y) − ln π_t(y)) − (ln π_θ(y′) − ln π_t(y′))] regressed onto
/// Δ = l(y, y′) − ½ over S pairs y, y′ ~ π_t. Its average iterate approaches the minimax winner;
/// its last iterate cycles on intransitive games.
/// </summary>
internal sealed class RebelAlgorithm(GameAlgorithmOptions options) : GameAlgorithm(options)
{
    /// <inheritdoc />
    public override string Name => "rebel";

    /// <inheritdoc />
    public override void StepExact(Span<double> logits)
    {
        var logProbs = LogProbabilities(logits);
        var reward = Preference.WinRates(Exp(logProbs)); // r_t = P π_t
        for (var a = 0; a < logProbs.Length; a++) logProbs[a] += Options.Eta * reward[a]; // ln π_t + η r_t
        SetLogits(logits, logProbs);
    }

    /// <inheritdoc />
    public override RebelOptions SampledTraining => new() { Loss = "rebel", Eta = Options.Eta };
}
