using System.Numerics.Tensors;

namespace Rebel.Tensors.Kernels;

/// <summary>
/// Loss kernels as Forward/Backward pairs over contiguous spans. Dimension legend: N rows (examples or tokens),
/// V classes (vocabulary). Backward kernels ADD into dx.
/// </summary>
internal static class LossKernels
{
    /// <summary>
    /// Cross-entropy with a fused log-softmax for rows of logits [N, V]: for each row with target t ≠ ignore,
    /// ℓ = ln Σ_j e^(x_j) − x_t (computed as max + ln Σ e^(x − max) − x_t). Writes the log-sum-exp of every row to
    /// <paramref name="lse"/> [N] and returns Σ ℓ over the non-ignored rows (in double).
    /// </summary>
    public static double CrossEntropyForward(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, int ignoreIndex,
        Span<float> lse, int v)
    {
        Span<float> e = stackalloc float[512];
        double total = 0;
        for (int n = 0; n < targets.Length; n++)
        {
            if (targets[n] == ignoreIndex) { lse[n] = 0f; continue; }
            var row = logits.Slice(n * v, v);
            float max = TensorPrimitives.Max(row);
            float sum = 0f;
            for (int c = 0; c < v; c += e.Length)
            {
                int len = Math.Min(e.Length, v - c);
                TensorPrimitives.Subtract(row.Slice(c, len), max, e[..len]);
                TensorPrimitives.Exp(e[..len], e[..len]);        // e^(x − max)
                sum += TensorPrimitives.Sum(e[..len]);
            }
            lse[n] = max + MathF.Log(sum);                        // ln Σ eˣ
            total += lse[n] - row[targets[n]];                    // ℓ = ln Σ eˣ − x_t
        }
        return total;
    }

    /// <summary>For each non-ignored row: dx += scale·(softmax(x) − onehot(t)), softmax = e^(x − lse).</summary>
    public static void CrossEntropyBackward(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, int ignoreIndex,
        ReadOnlySpan<float> lse, float scale, Span<float> dx, int v)
    {
        Span<float> p = stackalloc float[512];
        for (int n = 0; n < targets.Length; n++)
        {
            if (targets[n] == ignoreIndex) continue;
            for (int c = 0; c < v; c += p.Length)
            {
                int len = Math.Min(p.Length, v - c);
                var pc = p[..len];
                TensorPrimitives.Subtract(logits.Slice(n * v + c, len), lse[n], pc);
                TensorPrimitives.Exp(pc, pc);                                  // softmax = e^(x − lse)
                var dxc = dx.Slice(n * v + c, len);
                TensorPrimitives.FusedMultiplyAdd(pc, scale, dxc, dxc);        // dx += scale·softmax
            }
            dx[n * v + targets[n]] -= scale;                                   // dx −= scale·onehot(t)
        }
    }

    /// <summary>Σ d² for the differences d = a − b (in double).</summary>
    public static double SquaredErrorForward(ReadOnlySpan<float> d)
    {
        double total = 0;
        const int block = 4096; // float partial sums per block, accumulated in double
        for (int o = 0; o < d.Length; o += block)
        {
            var s = d.Slice(o, Math.Min(block, d.Length - o));
            total += TensorPrimitives.Dot(s, s);
        }
        return total;
    }

    /// <summary>dx += scale·d (scale = ±2g/n for the mean of squares).</summary>
    public static void SquaredErrorBackward(ReadOnlySpan<float> d, float scale, Span<float> dx) =>
        TensorPrimitives.FusedMultiplyAdd(d, scale, dx, dx);
}
