using Rebel.Tensors;

namespace Rebel.Models.Scoring;

/// <summary>
/// Log-probs of a batch of completions: <see cref="Totals"/> (differentiable) and the per-token values laid out on the
/// padded batch grid.
/// </summary>
public sealed class SequenceLogProbResult
{
    internal SequenceLogProbResult(Tensor totals, Tensor tokens, int[] promptLengths, int[] completionLengths)
    {
        Totals = totals;
        Tokens = tokens;
        PromptLengths = promptLengths;
        CompletionLengths = completionLengths;
    }

    /// <summary>ln π(y|x) = Σ_j ln π(y_j | x, y_&lt;j) per pair, shape [N]; carries the graph when parameters require gradients.</summary>
    public Tensor Totals { get; }

    /// <summary>
    /// Token log-probs on the grid [N, T]: entry (i, t) is ln π(s_{t+1} | s_≤t) of pair i's sequence s = prompt ‖ completion,
    /// masked to 0 outside the completion. Differentiable like <see cref="Totals"/>.
    /// </summary>
    public Tensor Tokens { get; }

    /// <summary>|x| per pair.</summary>
    public IReadOnlyList<int> PromptLengths { get; }

    /// <summary>|y| per pair.</summary>
    public IReadOnlyList<int> CompletionLengths { get; }

    /// <summary>The completion-token log-probs of pair <paramref name="index"/>, in order (|y| values).</summary>
    public float[] TokenLogProbs(int index)
    {
        int t = Tokens.Dim(1), start = PromptLengths[index] - 1, count = CompletionLengths[index];
        var row = Tokens.Slice(0, index, 1).Reshape(t).ToArray();
        return row.AsSpan(start, count).ToArray();
    }
}
