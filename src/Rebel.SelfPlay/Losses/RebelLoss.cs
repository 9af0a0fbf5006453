using Rebel.Tensors;

namespace Rebel.SelfPlay.Losses;

/// <summary>
/// The REBEL regression: L(θ) = mean over pairs of ( (1/η)·[ (ln π_θ(y) − ln π_t(y)) − (ln π_θ(y′) − ln π_t(y′)) ] − Δ )².
/// With perfect regression each iteration is the mirror-descent step π_{t+1} ∝ π_t · exp(η r_t).
/// Samples π_t, anchors on π_t, consumes Δ.
/// </summary>
/// <param name="Eta">η, the step size (&gt; 0): larger η moves further from π_t per iteration.</param>
public sealed record RebelLoss(double Eta) : IPreferenceLoss<DeltaTargets>
{
    /// <inheritdoc/>
    public string Name => "rebel";

    /// <inheritdoc/>
    public IRolloutSampler Sampler => PolicySampler.Instance;                                    // y, y′ ~ π_t

    /// <inheritdoc/>
    public LossAnchor Anchor => LossAnchor.Iterate;                                              // ln π_θ/π_t

    /// <inheritdoc/>
    public Tensor Compute(LossBatch<DeltaTargets> batch)
    {
        if (!(Eta > 0) || double.IsInfinity(Eta)) throw new ArgumentOutOfRangeException(nameof(Eta), $"REBEL needs a finite η > 0, got {Eta}.");
        batch.ValidatePairs(Name);
        var delta = batch.Sized(batch.Targets.Delta, nameof(DeltaTargets.Delta), batch.PairCount, Name);
        var ratio = LogRatios.Against(batch.LogProbs, batch.AnchorLogProbs);                      // ln π_θ/π_t per completion
        var predicted = (LogRatios.Select(ratio, batch.PairA) - LogRatios.Select(ratio, batch.PairB)) * (float)(1 / Eta); // (1/η)[ratio(y) − ratio(y′)]
        return Tensor.SquaredError(predicted, Tensor.FromArray(delta, delta.Length));            // mean (· − Δ)²
    }
}
