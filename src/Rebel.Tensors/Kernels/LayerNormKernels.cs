using System.Numerics;
using System.Numerics.Tensors;

namespace Rebel.Tensors.Kernels;

/// <summary>
/// Layer normalization over the last axis (GPT-2's <c>ln_1</c>, <c>ln_2</c>, <c>ln_f</c>) as a Forward/Backward pair over
/// contiguous row-major spans, shared by <see cref="Tensor.LayerNorm"/> and the models' cached inference.
/// Dimension legend: R rows (every leading axis folded together), C channels (the normalized axis).
/// Per row: μ = Σx/C, σ² = Σ(x − μ)²/C (biased, as PyTorch), r = 1/√(σ² + ε), x̂ = (x − μ)·r, y = x̂ ⊙ w + b.
/// Backward kernels ADD into dx, dw and db.
/// </summary>
/// <remarks>
/// R is x.Length / C. Arguments are checked once per call (spans too short or not whole rows throw
/// <see cref="ArgumentException"/> before anything is written); a NaN in a row makes that row NaN.
/// </remarks>
public static class LayerNormKernels
{
    /// <summary>
    /// y [R, C] = (x − μ)·r ⊙ w + b from x [R, C], w [C], b [C]; saves μ into <paramref name="mean"/> [R] and r into
    /// <paramref name="rstd"/> [R] for <see cref="Backward"/> (either may be empty when not needed, as in inference).
    /// y may be the same span as x.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative <paramref name="c"/>.</exception>
    /// <exception cref="ArgumentException">x not whole rows of C; w or b not [C]; y, or a non-empty mean or rstd, too short.</exception>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> y,
        Span<float> mean, Span<float> rstd, int c, float eps)
    {
        const string kernel = "LayerNorm";
        int rows = KernelArguments.Rows(kernel, nameof(x), x.Length, c);
        KernelArguments.Exactly(kernel, nameof(w), w.Length, c);
        KernelArguments.Exactly(kernel, nameof(b), b.Length, c);
        KernelArguments.AtLeast(kernel, nameof(y), y.Length, x.Length);
        KernelArguments.EmptyOrAtLeast(kernel, nameof(mean), mean.Length, rows);
        KernelArguments.EmptyOrAtLeast(kernel, nameof(rstd), rstd.Length, rows);
        for (int r = 0, o = 0; r < rows; r++, o += c)
        {
            var xr = x.Slice(o, c);
            var yr = y.Slice(o, c);
            float mu = TensorPrimitives.Sum(xr) / c;                  // μ = Σx / C
            TensorPrimitives.Subtract(xr, mu, yr);                    // x − μ
            float rs = 1f / MathF.Sqrt(TensorPrimitives.Dot(yr, yr) / c + eps); // r = 1/√(σ² + ε), σ² = Σ(x − μ)²/C
            TensorPrimitives.Multiply(yr, rs, yr);                    // x̂ = (x − μ)·r
            TensorPrimitives.FusedMultiplyAdd(yr, w, b, yr);          // y = x̂ ⊙ w + b
            if (!mean.IsEmpty) mean[r] = mu;
            if (!rstd.IsEmpty) rstd[r] = rs;
        }
    }

    /// <summary>
    /// For rows of dy [R, C], given the forward input x [R, C], w [C] and the saved mean [R] and rstd [R]:
    /// dx [R, C] += r·(g − mean(g) − x̂·mean(g ⊙ x̂)) with g = dy ⊙ w; dw [C] += Σ_rows dy ⊙ x̂; db [C] += Σ_rows dy.
    /// Two fused vector passes per row (sums and dw/db, then dx); x̂ and g are recomputed rather than stored.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative <paramref name="c"/>.</exception>
    /// <exception cref="ArgumentException">x not whole rows of C; dy not x's size; w, dw or db not [C]; mean, rstd or dx too short.</exception>
    public static void Backward(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> w,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> rstd, Span<float> dx, Span<float> dw, Span<float> db, int c)
    {
        const string kernel = "LayerNorm backward";
        int rows = KernelArguments.Rows(kernel, nameof(x), x.Length, c);
        KernelArguments.Exactly(kernel, nameof(dy), dy.Length, x.Length);
        KernelArguments.Exactly(kernel, nameof(w), w.Length, c);
        KernelArguments.AtLeast(kernel, nameof(mean), mean.Length, rows);
        KernelArguments.AtLeast(kernel, nameof(rstd), rstd.Length, rows);
        KernelArguments.AtLeast(kernel, nameof(dx), dx.Length, x.Length);
        KernelArguments.Exactly(kernel, nameof(dw), dw.Length, c);
        KernelArguments.Exactly(kernel, nameof(db), db.Length, c);
        int width = Vector<float>.Count;
        for (int r = 0, o = 0; r < rows; r++, o += c)
        {
            var xr = x.Slice(o, c);
            var dyr = dy.Slice(o, c);
            var dxr = dx.Slice(o, c);
            float mu = mean[r], rs = rstd[r];
            var vMu = new Vector<float>(mu);
            var vRs = new Vector<float>(rs);
            var sumG = Vector<float>.Zero;
            var sumGx = Vector<float>.Zero;
            int j = 0;
            for (; j <= c - width; j += width)
            {
                var xh = (new Vector<float>(xr[j..]) - vMu) * vRs;                   // x̂ = (x − μ)·r
                var d = new Vector<float>(dyr[j..]);
                var g = d * new Vector<float>(w[j..]);                               // g = dy ⊙ w
                sumG += g;
                sumGx += g * xh;
                (new Vector<float>(dw[j..]) + d * xh).CopyTo(dw[j..]);               // dw += dy ⊙ x̂
                (new Vector<float>(db[j..]) + d).CopyTo(db[j..]);                    // db += dy
            }
            float sg = Vector.Sum(sumG), sgx = Vector.Sum(sumGx);
            for (; j < c; j++)
            {
                float xh = (xr[j] - mu) * rs, g = dyr[j] * w[j];
                sg += g;
                sgx += g * xh;
                dw[j] += dyr[j] * xh;
                db[j] += dyr[j];
            }
            float meanG = sg / c, meanGx = sgx / c;                                  // mean(g), mean(g ⊙ x̂)
            var vMeanG = new Vector<float>(meanG);
            var vMeanGx = new Vector<float>(meanGx);
            j = 0;
            for (; j <= c - width; j += width)
            {
                var xh = (new Vector<float>(xr[j..]) - vMu) * vRs;
                var g = new Vector<float>(dyr[j..]) * new Vector<float>(w[j..]);
                (new Vector<float>(dxr[j..]) + vRs * (g - vMeanG - xh * vMeanGx)).CopyTo(dxr[j..]); // dx += r·(g − mean(g) − x̂·mean(g ⊙ x̂))
            }
            for (; j < c; j++)
            {
                float xh = (xr[j] - mu) * rs, g = dyr[j] * w[j];
                dxr[j] += rs * (g - meanG - xh * meanGx);
            }
        }
    }
}
