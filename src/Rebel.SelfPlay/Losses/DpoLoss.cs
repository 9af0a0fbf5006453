using Rebel.Tensors;

namespace Rebel.SelfPlay.Losses;

/// <summary>
/// Online DPO: with h = (ln π_θ/π_ref)(y) − (ln π_θ/π_ref)(y′) and l = P(y ≻ y′),
/// L(θ) = mean over pairs of −[ l·ln σ(β h) + (1 − l)·ln σ(−β h) ] (hard labels give −ln σ(β[(·)(y_w) − (·)(y_l)])).
/// Samples π_t, anchors on π_ref, consumes l.
/// </summary>
/// <param name="Beta">β, the strength of the implicit KL regularization toward π_ref (&gt; 0).</param>
public sealed record DpoLoss(double Beta) : IPreferenceLoss<PreferenceTargets>
{
    /// <inheritdoc/>
    public string Name => "dpo";

    /// <inheritdoc/>
    public IRolloutSampler Sampler => PolicySampler.Instance;

    /// <inheritdoc/>
    public LossAnchor Anchor => LossAnchor.Reference;

    /// <inheritdoc/>
    public IEnumerable<string> Problems()
    {
        if (!(Beta > 0)) yield return "needs beta > 0";
    }

    /// <inheritdoc/>
    public Tensor Compute(LossBatch<PreferenceTargets> batch)
    {
        if (!(Beta > 0) || double.IsInfinity(Beta)) throw new ArgumentOutOfRangeException(nameof(Beta), $"DPO needs a finite β > 0, got {Beta}.");
        batch.ValidatePairs(Name);
        var l = batch.Sized(batch.Targets.Preference, nameof(PreferenceTargets.Preference), batch.PairCount, Name);
        var ratio = LogRatios.Against(batch.LogProbs, batch.AnchorLogProbs);                     // ln π_θ/π_ref
        var margin = (LogRatios.Select(ratio, batch.PairA) - LogRatios.Select(ratio, batch.PairB)) * (float)Beta; // β h
        var weight = Tensor.FromArray(l, l.Length);
        var notWeight = Tensor.FromArray(l.Select(p => 1f - p).ToArray(), l.Length);
        return -(weight * margin.LogSigmoid() + notWeight * (-margin).LogSigmoid()).Mean();         // −[l ln σ(βh) + (1−l) ln σ(−βh)]
    }
}
