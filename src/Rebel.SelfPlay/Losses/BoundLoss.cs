using Rebel.Tensors;

namespace Rebel.SelfPlay.Losses;

/// <summary>A loss with one iteration's targets; each minibatch gets its slice of them and its pairs re-indexed locally.</summary>
internal sealed class BoundLoss<TTargets>(IPreferenceLoss<TTargets> loss, TTargets targets, IterationSignals signals) : IBoundLoss
    where TTargets : ILossTargets<TTargets>
{
    public Tensor Compute(Tensor logProbs, float[] anchorLogProbs, int[] completions, int[] pairs)
    {
        var local = new Dictionary<int, int>(completions.Length);
        for (int i = 0; i < completions.Length; i++) local[completions[i]] = i;
        return loss.Compute(new LossBatch<TTargets>
        {
            LogProbs = logProbs,
            AnchorLogProbs = anchorLogProbs,
            PairA = pairs.Select(p => local[signals.PairA[p]]).ToArray(),
            PairB = pairs.Select(p => local[signals.PairB[p]]).ToArray(),
            Targets = targets.Select(completions, pairs),
        });
    }
}
