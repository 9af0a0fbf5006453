using System.Numerics.Tensors;

namespace Rebel.Tensors.Kernels;

/// <summary>
/// Root-mean-square normalization over the last axis (Llama's RMSNorm) as a Forward/Backward pair over contiguous spans.
/// Dimension legend: R rows (every leading axis folded together), C channels (the normalized axis).
/// Per row: r = 1/√(Σx²/C + ε), x̂ = x·r, y = x̂ ⊙ w. Sums are float32, as Hugging Face computes RMSNorm in float32.
/// Backward kernels ADD into dx and dw.
/// </summary>
public static class RmsNormKernels
{
    /// <summary>y [R, C] from x [R, C] and w [C]; saves rstd [R] for backward (rstd may be empty when not needed).</summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, Span<float> y, Span<float> rstd, int c, float eps)
    {
        int rows = c == 0 ? 0 : x.Length / c;
        for (int r = 0, o = 0; r < rows; r++, o += c)
        {
            var xr = x.Slice(o, c);
            var yr = y.Slice(o, c);
            float rs = 1f / MathF.Sqrt(TensorPrimitives.SumOfSquares(xr) / c + eps); // r = 1/√(mean(x²) + ε)
            TensorPrimitives.Multiply(xr, rs, yr);                                   // x̂ = x·r
            TensorPrimitives.Multiply(yr, w, yr);                                    // y = x̂ ⊙ w
            if (!rstd.IsEmpty) rstd[r] = rs;
        }
    }

    /// <summary>
    /// For rows of dy [R, C], with x̂ = x·r and g = dy ⊙ w: dx += r·(g − x̂·mean(g ⊙ x̂)); dw += Σ_rows dy ⊙ x̂.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> rstd,
        Span<float> dx, Span<float> dw, int c)
    {
        for (int r = 0, o = 0; r < rstd.Length; r++, o += c)
        {
            var xr = x.Slice(o, c);
            var dyr = dy.Slice(o, c);
            var dxr = dx.Slice(o, c);
            float rs = rstd[r], sgx = 0f;
            for (int j = 0; j < c; j++)
            {
                float xh = xr[j] * rs, g = dyr[j] * w[j];                           // x̂, g = dy ⊙ w
                sgx += g * xh;
                dw[j] += dyr[j] * xh;                                                // dw += dy ⊙ x̂
            }
            float meanGx = sgx / c;                                                  // mean(g ⊙ x̂)
            for (int j = 0; j < c; j++)
                dxr[j] += rs * (dyr[j] * w[j] - xr[j] * rs * meanGx);                // dx += r·(g − x̂·mean(g ⊙ x̂))
        }
    }
}
