using Rebel.Tensors.Kernels;

namespace Rebel.Tensors;

// Lookups by integer index: embedding rows and the gather of token log-probabilities; kernels in
// Kernels/EmbeddingKernels.cs. Legend: N lookups, V table rows (vocabulary), C channels.
public sealed partial class Tensor
{
    /// <summary>
    /// Embedding lookup: y[n, :] = weight[ids[n], :] for <paramref name="weight"/> [V, C], with the lookups shaped
    /// as <paramref name="shape"/> (its product must equal ids.Length; empty means [ids.Length]), giving [...shape, C].
    /// </summary>
    /// <remarks>Gradient: ∂L/∂weight[v] = Σ over lookups n with ids[n] = v of ∂L/∂y[n] (a scatter-add).</remarks>
    /// <exception cref="ArgumentException">weight is not rank 2, or shape does not hold ids.Length lookups.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An id outside [0, V); the message names the id, its position and V.</exception>
    public static Tensor Embedding(Tensor weight, int[] ids, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(shape);
        weight.CheckAlive();
        if (weight.Rank != 2)
            throw new ArgumentException($"Embedding needs a weight of shape [V, C], not {ShapeMath.Format(weight.Dims)}.", nameof(weight));
        int[] lookups = shape.Length == 0 ? [ids.Length] : (int[])shape.Clone();
        ShapeMath.Validate(lookups);
        if (ShapeMath.Count(lookups) != ids.Length)
            throw new ArgumentException($"Embedding: shape {ShapeMath.Format(lookups)} does not hold the {ids.Length} ids given.", nameof(shape));
        int v = weight.Dims[0], c = weight.Dims[1];
        CheckIndices(ids, v, "Embedding", "id", "vocabulary size V");

        var w = weight.Contiguous();
        var ids2 = (int[])ids.Clone();                         // backward must see the ids of this call
        var y = Empty([.. lookups, c], clear: false);          // [...shape, C]
        EmbeddingKernels.Forward(w.Data.AsSpan(w.Offset, w.Size), ids2, y.AsSpan(), c);
        if (!Records(w)) return y;
        return y.Record("Embedding", [w], g =>
        {
            var gc = g.Contiguous();
            var dw = GradTarget(w, out bool direct);
            EmbeddingKernels.Backward(gc.AsSpan(), ids2, dw.Data.AsSpan(dw.Offset, dw.Size), c);
            if (!direct) AccumulateGrad(w, dw);
        });
    }

    /// <summary>
    /// Picks one entry per row of the last axis: for this tensor x [..., V] and indices of length x.Size / V,
    /// y[i] = x[i, indices[i]] with shape [...] (e.g. the log-probability of each sampled token).
    /// </summary>
    /// <remarks>Gradient: ∂L/∂x[i, indices[i]] = ∂L/∂y[i], zero elsewhere.</remarks>
    /// <exception cref="ArgumentException">A scalar tensor, or the wrong number of indices.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index outside [0, V); the message names it, its position and V.</exception>
    public Tensor GatherLast(int[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        CheckAlive();
        if (Rank == 0) throw new ArgumentException("GatherLast needs a tensor of rank ≥ 1, not a scalar.");
        int v = Dims[^1], rows = v == 0 ? 0 : Size / v;
        if (indices.Length != rows)
            throw new ArgumentException($"GatherLast: {indices.Length} indices given for a tensor of shape {ShapeMath.Format(Dims)}, which has {rows} rows.", nameof(indices));
        CheckIndices(indices, v, "GatherLast", "index", "last-axis extent");

        var x = Contiguous();
        var idx = (int[])indices.Clone();
        var y = Empty(Dims[..^1], clear: false);              // [...]
        EmbeddingKernels.GatherForward(x.AsSpan(), idx, y.AsSpan(), v);
        if (!Records(x)) return y;
        return y.Record("GatherLast", [x], g =>
        {
            var gc = g.Contiguous();
            var dx = GradTarget(x, out bool direct);
            EmbeddingKernels.GatherBackward(gc.AsSpan(), idx, dx.Data.AsSpan(dx.Offset, dx.Size), v);
            if (!direct) AccumulateGrad(x, dx);
        });
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for the first index outside [0, extent).</summary>
    private static void CheckIndices(ReadOnlySpan<int> indices, int extent, string op, string what, string extentName)
    {
        for (int i = 0; i < indices.Length; i++)
            if ((uint)indices[i] >= (uint)extent)
                throw new ArgumentOutOfRangeException(nameof(indices), indices[i],
                    $"{op}: {what} {indices[i]} at position {i} is outside [0, {extent}) ({extentName} {extent}).");
    }
}
