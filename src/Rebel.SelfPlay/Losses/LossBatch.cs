using Rebel.Tensors;

namespace Rebel.SelfPlay.Losses;

/// <summary>
/// What a loss sees for one minibatch: N completions y_i with their log-probabilities under the trainable policy π_θ
/// (differentiable) and under the loss's frozen anchor, P pairs (a_p, b_p) over them, and the targets the loss asked
/// for — always present, because the batch's type carries them.
/// </summary>
/// <remarks>Log-probabilities are sums over completion tokens (EOS included) at the sampling temperature.</remarks>
/// <typeparam name="TTargets">The targets of the loss (e.g. <see cref="DeltaTargets"/> for REBEL).</typeparam>
public sealed class LossBatch<TTargets> where TTargets : ILossTargets<TTargets>
{
    /// <summary>ln π_θ(y_i | x_i), shape [N], differentiable with respect to the policy's parameters.</summary>
    public required Tensor LogProbs { get; init; }

    /// <summary>ln π_anchor(y_i | x_i), shape [N], frozen: π_t or π_ref, as the loss's <see cref="IPreferenceLoss.Anchor"/> says.</summary>
    public required float[] AnchorLogProbs { get; init; }

    /// <summary>Index of each pair's first completion y (into the N completions).</summary>
    public int[] PairA { get; init; } = [];

    /// <summary>Index of each pair's second completion y′.</summary>
    public int[] PairB { get; init; } = [];

    /// <summary>The loss's targets for these completions and pairs.</summary>
    public required TTargets Targets { get; init; }

    /// <summary>Number of completions N.</summary>
    public int Count => AnchorLogProbs.Length;

    /// <summary>Number of pairs P.</summary>
    public int PairCount => PairA.Length;

    /// <summary>Checks that <paramref name="values"/> has <paramref name="length"/> entries (one per pair or per completion).</summary>
    internal float[] Sized(float[] values, string name, int length, string loss)
    {
        if (values.Length != length) throw new ArgumentException($"{loss}: {name} has {values.Length} entries, expected {length}.");
        return values;
    }

    /// <summary>Checks the pairs: as many first as second indices, at least one, each inside the N completions.</summary>
    internal void ValidatePairs(string loss)
    {
        if (LogProbs.Size != Count) throw new ArgumentException($"{loss}: LogProbs has {LogProbs.Size} entries, AnchorLogProbs {Count}.");
        if (PairA.Length != PairB.Length) throw new ArgumentException($"{loss}: {PairA.Length} first indices but {PairB.Length} second indices.");
        if (PairA.Length == 0) throw new ArgumentException($"{loss}: the batch has no pairs.");
        foreach (var i in PairA.Concat(PairB))
            if ((uint)i >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(PairA), $"{loss}: pair index {i} is outside the {Count} completions.");
    }
}
