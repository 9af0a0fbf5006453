using Rebel.SelfPlay.Training;

namespace Rebel.SelfPlay.Games.Algorithms;

/// <summary>
/// <c>sppo</c>: self-play preference optimization. Its loss regresses each log-ratio on its own, without REBEL's
/// pairwise difference: E_{y~π_t} (ln π_θ(y)/π_t(y) − η(P(y ≻ π_t) − ½))². Because ln π_θ must stay normalized,
/// the targets cannot all be met, and the minimizer differs from mirror descent at second order in η.
/// Exact mode solves that population problem (<see cref="SppoProjection"/>); sampled mode is the trainer's SPPO loss
/// on the pairs, each side's log-ratio regressed onto ±η(l − ½).
/// </summary>
internal sealed class SppoAlgorithm(GameAlgorithmOptions options) : GameAlgorithm(options)
{
    /// <inheritdoc />
    public override string Name => "sppo";

    /// <inheritdoc />
    public override void StepExact(Span<double> logits)
    {
        var logProbs = LogProbabilities(logits);
        var probs = Exp(logProbs);
        var reward = Preference.WinRates(probs);
        var targets = new double[reward.Length];
        for (var a = 0; a < targets.Length; a++) targets[a] = Options.Eta * (reward[a] - 0.5); // η(P(y ≻ π_t) − ½)
        var shift = SppoProjection.Solve(probs, targets); // u = ln π_{t+1} − ln π_t
        for (var a = 0; a < logProbs.Length; a++) logProbs[a] += shift[a];
        SetLogits(logits, logProbs);
    }

    /// <inheritdoc />
    public override RebelOptions SampledTraining => new() { Loss = "sppo", Eta = Options.Eta };
}
