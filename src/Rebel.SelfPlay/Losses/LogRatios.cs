using Rebel.Tensors;

namespace Rebel.SelfPlay.Losses;

/// <summary>Shared pieces of the losses: log-ratios against a frozen policy, and picking pair members.</summary>
internal static class LogRatios
{
    /// <summary>ln π_θ(y_i) − ln π_frozen(y_i), shape [N].</summary>
    public static Tensor Against(Tensor logProbs, float[] frozen) => logProbs - Tensor.FromArray(frozen, frozen.Length);

    /// <summary>values[indices[p]] for each p, shape [P] (differentiable: the gradient scatter-adds back).</summary>
    public static Tensor Select(Tensor values, int[] indices) =>
        Tensor.Embedding(values.Reshape(values.Size, 1), indices, indices.Length).Reshape(indices.Length);
}
