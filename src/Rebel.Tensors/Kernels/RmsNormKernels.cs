using System.Numerics.Tensors;

namespace Rebel.Tensors.Kernels;

/// <summary>
/// Root-mean-square normalization over the last axis (Llama's RMSNorm) as a Forward/Backward pair over contiguous
/// row-major spans, shared by <see cref="Tensor.RmsNorm"/> and the models' cached inference.
/// Dimension legend: R rows (every leading axis folded together), C channels (the normalized axis).
/// Per row: r = 1/√(Σx²/C + ε), x̂ = x·r, y = x̂ ⊙ w. Sums are float32, as Hugging Face computes RMSNorm in float32.
/// Backward kernels ADD into dx and dw.
/// </summary>
/// <remarks>
/// R is x.Length / C, so per-head normalization (Qwen3's q/k norm) is the same call with C = D over [N·H, D].
/// Arguments are checked once per call (spans too short or not whole rows throw <see cref="ArgumentException"/> before
/// anything is written); a NaN in a row makes that row NaN.
/// </remarks>
public static class RmsNormKernels
{
    /// <summary>
    /// y [R, C] = x·r ⊙ w from x [R, C] and w [C]; saves r into <paramref name="rstd"/> [R] for <see cref="Backward"/>
    /// (empty when not needed, as in inference). y may be the same span as x.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative <paramref name="c"/>.</exception>
    /// <exception cref="ArgumentException">x not whole rows of C; w not [C]; y, or a non-empty rstd, too short.</exception>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, Span<float> y, Span<float> rstd, int c, float eps)
    {
        const string kernel = "RmsNorm";
        int rows = KernelArguments.Rows(kernel, nameof(x), x.Length, c);
        KernelArguments.Exactly(kernel, nameof(w), w.Length, c);
        KernelArguments.AtLeast(kernel, nameof(y), y.Length, x.Length);
        KernelArguments.EmptyOrAtLeast(kernel, nameof(rstd), rstd.Length, rows);
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
    /// For rows of dy [R, C], given the forward input x [R, C], w [C] and the saved rstd [R], with x̂ = x·r and g = dy ⊙ w:
    /// dx [R, C] += r·(g − x̂·mean(g ⊙ x̂)); dw [C] += Σ_rows dy ⊙ x̂.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative <paramref name="c"/>.</exception>
    /// <exception cref="ArgumentException">x not whole rows of C; dy not x's size; w or dw not [C]; rstd or dx too short.</exception>
    public static void Backward(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> rstd,
        Span<float> dx, Span<float> dw, int c)
    {
        const string kernel = "RmsNorm backward";
        int rows = KernelArguments.Rows(kernel, nameof(x), x.Length, c);
        KernelArguments.Exactly(kernel, nameof(dy), dy.Length, x.Length);
        KernelArguments.Exactly(kernel, nameof(w), w.Length, c);
        KernelArguments.AtLeast(kernel, nameof(rstd), rstd.Length, rows);
        KernelArguments.AtLeast(kernel, nameof(dx), dx.Length, x.Length);
        KernelArguments.Exactly(kernel, nameof(dw), dw.Length, c);
        for (int r = 0, o = 0; r < rows; r++, o += c)
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
