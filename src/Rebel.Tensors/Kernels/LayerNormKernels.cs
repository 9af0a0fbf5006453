using System.Numerics.Tensors;

namespace Rebel.Tensors.Kernels;

/// <summary>
/// Layer normalization over the last axis as a Forward/Backward pair over contiguous spans.
/// Dimension legend: R rows (every leading axis folded together), C channels (the normalized axis).
/// Per row: μ = Σx/C, σ² = Σ(x − μ)²/C (biased, as PyTorch), r = 1/√(σ² + ε), x̂ = (x − μ)·r, y = x̂ ⊙ w + b.
/// Backward kernels ADD into dx, dw and db.
/// </summary>
internal static class LayerNormKernels
{
    /// <summary>y [R, C] from x [R, C], w [C], b [C]; saves mean [R] and rstd [R] for backward.</summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> y,
        Span<float> mean, Span<float> rstd, int c, float eps)
    {
        for (int r = 0, o = 0; r < mean.Length; r++, o += c)
        {
            var xr = x.Slice(o, c);
            var yr = y.Slice(o, c);
            float mu = TensorPrimitives.Sum(xr) / c;                  // μ = Σx / C
            TensorPrimitives.Subtract(xr, mu, yr);                    // x − μ
            float rs = 1f / MathF.Sqrt(TensorPrimitives.Dot(yr, yr) / c + eps); // r = 1/√(σ² + ε), σ² = Σ(x − μ)²/C
            TensorPrimitives.Multiply(yr, rs, yr);                    // x̂ = (x − μ)·r
            TensorPrimitives.FusedMultiplyAdd(yr, w, b, yr);          // y = x̂ ⊙ w + b
            mean[r] = mu;
            rstd[r] = rs;
        }
    }

    /// <summary>
    /// For rows of dy [R, C]: dx += r·(g − mean(g) − x̂·mean(g ⊙ x̂)) with g = dy ⊙ w; dw += Σ_rows dy ⊙ x̂; db += Σ_rows dy.
    /// <paramref name="scratch"/> holds at least 2C floats.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> w,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> rstd, Span<float> dx, Span<float> dw, Span<float> db, int c,
        Span<float> scratch)
    {
        var xhat = scratch[..c];
        var g = scratch.Slice(c, c);
        for (int r = 0, o = 0; r < mean.Length; r++, o += c)
        {
            var dyr = dy.Slice(o, c);
            var dxr = dx.Slice(o, c);
            float rs = rstd[r];
            TensorPrimitives.Subtract(x.Slice(o, c), mean[r], xhat);
            TensorPrimitives.Multiply(xhat, rs, xhat);                // x̂ = (x − μ)·r
            TensorPrimitives.Multiply(dyr, w, g);                     // g = dy ⊙ w
            float meanG = TensorPrimitives.Sum(g) / c;                // mean(g)
            float meanGx = TensorPrimitives.Dot(g, xhat) / c;         // mean(g ⊙ x̂)
            TensorPrimitives.FusedMultiplyAdd(dyr, xhat, dw, dw);     // dw += dy ⊙ x̂
            TensorPrimitives.Add(db, dyr, db);                        // db += dy
            TensorPrimitives.FusedMultiplyAdd(xhat, -meanGx, g, g);   // g − x̂·mean(g ⊙ x̂)
            TensorPrimitives.Subtract(g, meanG, g);                   //   − mean(g)
            TensorPrimitives.FusedMultiplyAdd(g, rs, dxr, dxr);       // dx += r·(g − mean(g) − x̂·mean(g ⊙ x̂))
        }
    }
}
