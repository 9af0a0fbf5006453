using Rebel.SelfPlay.Training;

namespace Rebel.SelfPlay.Games.Algorithms;

/// <summary>
/// <c>ipo</c> (online IPO; formerly <c>online-ipo</c>, the name the trainer's loss also uses): IPO on pairs drawn
/// from the current policy, with objective
/// E_{y,y′~π_t} ( [ln π_θ(y)/π_ref(y) − ln π_θ(y′)/π_ref(y′)] − (l(y, y′) − ½)/β )² (the trainer's IPO loss).
/// Online IPO takes gradient steps on this objective rather than solving it (its minimizer, π_ref·exp(r_t/β), is a
/// best response that oscillates). Preconditioned by the Gauss–Newton diagonal, a step of size ηβ from θ_t is
/// θ_{t+1}(y) = ln π_t(y) + η [r_t(y) − β ln(π_t(y)/π_ref(y))] + const, which is what exact mode computes:
/// magnet mirror descent with the magnet fixed at π_ref. It converges to the β-regularized equilibrium.
/// Sampled mode takes the trainer's G AdamW steps on the sampled objective.
/// </summary>
internal sealed class IpoAlgorithm(GameAlgorithmOptions options) : GameAlgorithm(RequireBeta(options))
{
    /// <inheritdoc />
    public override string Name => "ipo";

    /// <inheritdoc />
    public override void StepExact(Span<double> logits)
    {
        var logProbs = LogProbabilities(logits);
        var reference = ReferenceLogProbs();
        var reward = Preference.WinRates(Exp(logProbs)); // r_t = P π_t
        var next = new double[logProbs.Length];
        for (var a = 0; a < next.Length; a++)
            next[a] = logProbs[a] + Options.Eta * (reward[a] - Options.Beta * (logProbs[a] - reference[a])); // ln π_t + η(r_t − β ln π_t/π_ref)
        SetLogits(logits, next);
    }

    /// <inheritdoc />
    public override RebelOptions SampledTraining => new() { Loss = "ipo", Eta = Options.Eta, Beta = Options.Beta };

    private static GameAlgorithmOptions RequireBeta(GameAlgorithmOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Beta > 0
            ? options
            : throw new ArgumentOutOfRangeException(nameof(options), options.Beta, "ipo needs β (--beta) > 0: its target is Δ/β.");
    }
}
