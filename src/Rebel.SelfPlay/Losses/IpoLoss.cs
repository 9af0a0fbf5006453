using Rebel.Tensors;

namespace Rebel.SelfPlay.Losses;

/// <summary>
/// IPO, used online (pairs from π_t) and by Nash-MD (the second completion from the geometric mixture
/// π ∝ π_t^{1−ηβ} π_ref^{ηβ}): with h = (ln π_θ/π_ref)(y) − (ln π_θ/π_ref)(y′) and l = P(y ≻ y′),
/// L(θ) = mean over pairs of ( h − (l − ½)/β )² — for a hard win (l = 1) the target margin is 1/(2β).
/// </summary>
/// <param name="Beta">β, the regularization strength toward π_ref (&gt; 0).</param>
public sealed record IpoLoss(double Beta) : IPreferenceLoss
{
    /// <inheritdoc/>
    public string Name => "ipo";

    /// <inheritdoc/>
    public Tensor Compute(LossBatch batch)
    {
        if (!(Beta > 0) || double.IsInfinity(Beta)) throw new ArgumentOutOfRangeException(nameof(Beta), $"IPO needs a finite β > 0, got {Beta}.");
        batch.ValidatePairs(Name);
        var l = batch.Require(batch.PairPreferences, nameof(LossBatch.PairPreferences), batch.PairCount, Name);
        var reference = batch.Require(batch.RefLogProbs, nameof(LossBatch.RefLogProbs), batch.Count, Name);
        var ratio = LogRatios.Against(batch.LogProbs, reference);
        var h = LogRatios.Select(ratio, batch.PairA) - LogRatios.Select(ratio, batch.PairB);
        var target = l.Select(p => (float)((p - 0.5) / Beta)).ToArray();                          // (l − ½)/β
        return Tensor.SquaredError(h, Tensor.FromArray(target, target.Length));
    }
}
