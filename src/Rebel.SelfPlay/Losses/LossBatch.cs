using Rebel.Tensors;

namespace Rebel.SelfPlay.Losses;

/// <summary>
/// What a loss sees for one minibatch: N completions y_i of prompts x_i, with their log-probabilities under the
/// trainable policy π_θ (differentiable), the frozen iterate π_t and optionally the reference π_ref, plus P pairs
/// (a_p, b_p) over those completions and their targets.
/// </summary>
/// <remarks>
/// Log-probabilities are sums over completion tokens (EOS included) at the sampling temperature. Which targets are
/// filled depends on the loss: <see cref="PairTargets"/> (Δ) for REBEL, <see cref="PairPreferences"/> (l) for
/// DPO/IPO, <see cref="WinRates"/> for SPPO, <see cref="Advantages"/> for REINFORCE/RLOO.
/// </remarks>
public sealed class LossBatch
{
    /// <summary>ln π_θ(y_i | x_i), shape [N], differentiable with respect to the policy's parameters.</summary>
    public required Tensor LogProbs { get; init; }

    /// <summary>ln π_t(y_i | x_i), shape [N], frozen (recorded when the completions were sampled or scored).</summary>
    public required float[] OldLogProbs { get; init; }

    /// <summary>ln π_ref(y_i | x_i), shape [N]; null when the loss needs no reference.</summary>
    public float[]? RefLogProbs { get; init; }

    /// <summary>Index of each pair's first completion y (into the N completions).</summary>
    public int[] PairA { get; init; } = [];

    /// <summary>Index of each pair's second completion y′.</summary>
    public int[] PairB { get; init; } = [];

    /// <summary>REBEL's regression target per pair: Δ = r(x, y) − r(x, y′), or l(x, y, y′) − ½ in preference mode.</summary>
    public float[]? PairTargets { get; init; }

    /// <summary>l(x, y, y′) = P(y ≻ y′ | x) per pair (hard labels are 0, ½ or 1).</summary>
    public float[]? PairPreferences { get; init; }

    /// <summary>P̂(y_i ≻ π_t | x_i) per completion: its mean win probability against the other samples of its prompt.</summary>
    public float[]? WinRates { get; init; }

    /// <summary>A_i = r_i − baseline_i per completion (leave-one-out mean for RLOO).</summary>
    public float[]? Advantages { get; init; }

    /// <summary>Number of completions N.</summary>
    public int Count => OldLogProbs.Length;

    /// <summary>Number of pairs P.</summary>
    public int PairCount => PairA.Length;

    internal float[] Require(float[]? values, string name, int length, string loss)
    {
        if (values is null) throw new InvalidOperationException($"{loss} needs {name}, which this batch does not carry.");
        if (values.Length != length) throw new ArgumentException($"{loss}: {name} has {values.Length} entries, expected {length}.");
        return values;
    }

    internal void ValidatePairs(string loss)
    {
        if (LogProbs.Size != Count) throw new ArgumentException($"{loss}: LogProbs has {LogProbs.Size} entries, OldLogProbs {Count}.");
        if (PairA.Length != PairB.Length) throw new ArgumentException($"{loss}: {PairA.Length} first indices but {PairB.Length} second indices.");
        if (PairA.Length == 0) throw new ArgumentException($"{loss}: the batch has no pairs.");
        foreach (var i in PairA.Concat(PairB))
            if ((uint)i >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(PairA), $"{loss}: pair index {i} is outside the {Count} completions.");
    }
}
