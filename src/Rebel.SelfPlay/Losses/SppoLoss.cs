using Rebel.Tensors;

namespace Rebel.SelfPlay.Losses;

/// <summary>
/// SPPO (self-play preference optimization): L(θ) = mean over completions of
/// ( ln π_θ(y)/π_t(y) − η·(P̂(y ≻ π_t) − ½) )², regressing each log-ratio on its own estimated win rate.
/// Samples π_t, anchors on π_t, consumes win rates.
/// </summary>
/// <param name="Eta">η, the step size (&gt; 0).</param>
public sealed record SppoLoss(double Eta) : IPreferenceLoss<WinRateTargets>
{
    /// <inheritdoc/>
    public string Name => "sppo";

    /// <inheritdoc/>
    public IRolloutSampler Sampler => PolicySampler.Instance;

    /// <inheritdoc/>
    public LossAnchor Anchor => LossAnchor.Iterate;

    /// <inheritdoc/>
    public Tensor Compute(LossBatch<WinRateTargets> batch)
    {
        if (!(Eta > 0) || double.IsInfinity(Eta)) throw new ArgumentOutOfRangeException(nameof(Eta), $"SPPO needs a finite η > 0, got {Eta}.");
        var winRates = batch.Sized(batch.Targets.WinRate, nameof(WinRateTargets.WinRate), batch.Count, Name);
        var target = new float[winRates.Length];
        for (int i = 0; i < target.Length; i++) target[i] = (float)(Eta * (winRates[i] - 0.5)); // η(P̂ − ½)
        var ratio = LogRatios.Against(batch.LogProbs, batch.AnchorLogProbs);                  // ln π_θ/π_t
        return Tensor.SquaredError(ratio, Tensor.FromArray(target, target.Length));
    }
}
