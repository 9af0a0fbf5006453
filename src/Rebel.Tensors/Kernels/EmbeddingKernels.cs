using System.Numerics.Tensors;

namespace Rebel.Tensors.Kernels;

/// <summary>
/// Lookups by integer index as Forward/Backward pairs over contiguous spans: embedding rows and the gather of one
/// entry per row (token log-probabilities). Dimension legend: N lookups, V rows of the table (vocabulary),
/// C channels. Indices are validated by the caller. Backward kernels ADD into the gradient.
/// </summary>
internal static class EmbeddingKernels
{
    /// <summary>y[n, :] = w[ids[n], :] for w [V, C], y [N, C].</summary>
    public static void Forward(ReadOnlySpan<float> w, ReadOnlySpan<int> ids, Span<float> y, int c)
    {
        for (int n = 0; n < ids.Length; n++) w.Slice(ids[n] * c, c).CopyTo(y.Slice(n * c, c)); // y[n] = w[id]
    }

    /// <summary>dw[ids[n], :] += dy[n, :] (a scatter-add: repeated ids accumulate).</summary>
    public static void Backward(ReadOnlySpan<float> dy, ReadOnlySpan<int> ids, Span<float> dw, int c)
    {
        for (int n = 0; n < ids.Length; n++)
        {
            var row = dw.Slice(ids[n] * c, c);
            TensorPrimitives.Add(row, dy.Slice(n * c, c), row);   // dw[id] += dy[n]
        }
    }

    /// <summary>y[n] = x[n, idx[n]] for x [N, V].</summary>
    public static void GatherForward(ReadOnlySpan<float> x, ReadOnlySpan<int> idx, Span<float> y, int v)
    {
        for (int n = 0; n < idx.Length; n++) y[n] = x[n * v + idx[n]];
    }

    /// <summary>dx[n, idx[n]] += dy[n].</summary>
    public static void GatherBackward(ReadOnlySpan<float> dy, ReadOnlySpan<int> idx, Span<float> dx, int v)
    {
        for (int n = 0; n < idx.Length; n++) dx[n * v + idx[n]] += dy[n];
    }
}
