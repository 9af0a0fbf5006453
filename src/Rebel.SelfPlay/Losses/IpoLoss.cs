using Rebel.Tensors;

namespace Rebel.SelfPlay.Losses;

/// <summary>
/// IPO, used online (pairs from π_t): with h = (ln π_θ/π_ref)(y) − (ln π_θ/π_ref)(y′) and l = P(y ≻ y′),
/// L(θ) = mean over pairs of ( h − (l − ½)/β )² — for a hard win (l = 1) the target margin is 1/(2β).
/// Samples π_t, anchors on π_ref, consumes l.
/// </summary>
/// <param name="Beta">β, the regularization strength toward π_ref (&gt; 0).</param>
public sealed record IpoLoss(double Beta) : IPreferenceLoss<PreferenceTargets>
{
    /// <inheritdoc/>
    public string Name => "ipo";

    /// <inheritdoc/>
    public IRolloutSampler Sampler => PolicySampler.Instance;

    /// <inheritdoc/>
    public LossAnchor Anchor => LossAnchor.Reference;                                            // ln π_θ/π_ref

    /// <inheritdoc/>
    public IEnumerable<string> Problems()
    {
        if (!(Beta > 0)) yield return "needs beta > 0";
    }

    /// <inheritdoc/>
    public Tensor Compute(LossBatch<PreferenceTargets> batch)
    {
        if (!(Beta > 0) || double.IsInfinity(Beta)) throw new ArgumentOutOfRangeException(nameof(Beta), $"IPO needs a finite β > 0, got {Beta}.");
        batch.ValidatePairs(Name);
        var l = batch.Sized(batch.Targets.Preference, nameof(PreferenceTargets.Preference), batch.PairCount, Name);
        var ratio = LogRatios.Against(batch.LogProbs, batch.AnchorLogProbs);
        var h = LogRatios.Select(ratio, batch.PairA) - LogRatios.Select(ratio, batch.PairB);
        var target = l.Select(p => (float)((p - 0.5) / Beta)).ToArray();                          // (l − ½)/β
        return Tensor.SquaredError(h, Tensor.FromArray(target, target.Length));
    }
}
