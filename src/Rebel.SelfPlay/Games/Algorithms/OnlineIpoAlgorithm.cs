using Rebel.SelfPlay.Games.Losses;

namespace Rebel.SelfPlay.Games.Algorithms;

/// <summary>
/// <c>online-ipo</c>: IPO on pairs drawn from the current policy, with loss
/// E_{y,y′~π_t} ( [ln π_θ(y)/π_ref(y) − ln π_θ(y′)/π_ref(y′)] − (l(y, y′) − ½)/β )² (<see cref="IpoLoss"/>).
/// Online IPO takes gradient steps on this loss rather than solving it (its minimizer, π_ref·exp(r_t/β), is a
/// best response that oscillates). Preconditioned by the Gauss–Newton diagonal, a step of size ηβ from θ_t is
/// θ_{t+1}(y) = ln π_t(y) + η [r_t(y) − β ln(π_t(y)/π_ref(y))] + const, which is what exact mode computes:
/// magnet mirror descent with the magnet fixed at π_ref. It converges to the β-regularized equilibrium.
/// Sampled mode takes G preconditioned steps of size ηβ/G on the sampled loss.
/// </summary>
public sealed class OnlineIpoAlgorithm(GameAlgorithmOptions options) : GameAlgorithm(RequireBeta(options))
{
    /// <inheritdoc />
    public override string Name => "online-ipo";

    /// <inheritdoc />
    public override void StepExact(TabularPolicy policy)
    {
        var logProbs = policy.LogProbabilities();
        var reference = Reference.LogProbabilities();
        var reward = Preference.WinRates(Exp(logProbs)); // r_t = P π_t
        var next = new double[logProbs.Length];
        for (var a = 0; a < next.Length; a++)
            next[a] = logProbs[a] + Options.Eta * (reward[a] - Options.Beta * (logProbs[a] - reference[a])); // ln π_t + η(r_t − β ln π_t/π_ref)
        SetLogits(policy, next);
    }

    /// <inheritdoc />
    public override void StepSampled(TabularPolicy policy, int samples, Random random)
    {
        var logProbs = policy.LogProbabilities();
        var probs = Exp(logProbs);
        var reference = Reference.LogProbabilities();
        var batch = PairBatch.Draw(Preference, probs, probs, samples, random, reference); // y, y′ ~ π_t, anchor ln π_ref
        var step = Math.Min(1, Options.Eta * Options.Beta) / Options.RegressionSteps; // ηβ/G
        PairRegression.Fit(new IpoLoss(Options.Beta), batch, logProbs, Options.RegressionSteps, step);
        SetLogits(policy, logProbs);
    }

    private static GameAlgorithmOptions RequireBeta(GameAlgorithmOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Beta > 0
            ? options
            : throw new ArgumentOutOfRangeException(nameof(options), options.Beta, "online-ipo needs β (--beta) > 0: its target is Δ/β.");
    }
}
