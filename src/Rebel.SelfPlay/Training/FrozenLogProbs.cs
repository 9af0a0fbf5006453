using Rebel.SelfPlay.Losses;

namespace Rebel.SelfPlay.Training;

/// <summary>
/// The score phase's result: per completion, shape [N], the log-probabilities under the frozen policies, recorded under
/// no-grad before the iteration's first update.
/// </summary>
/// <param name="Iterate">ln π_t(y).</param>
/// <param name="Reference">ln π_ref(y).</param>
/// <param name="PenaltyAnchor">ln π_anchor(y) of the targets' penalty: the sampler's q when q ≠ π_t (Nash-MD), else the magnet π_mag, else π_ref.</param>
internal sealed record FrozenLogProbs(float[] Iterate, float[] Reference, float[] PenaltyAnchor)
{
    /// <summary>The log-probabilities of the policy a loss takes its log-ratios against.</summary>
    public float[] Of(LossAnchor anchor) => anchor == LossAnchor.Reference ? Reference : Iterate;
}
