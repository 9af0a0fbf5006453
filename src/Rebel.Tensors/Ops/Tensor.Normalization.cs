using Rebel.Tensors.Kernels;
using Rebel.Tensors.Memory;

namespace Rebel.Tensors;

// Layer and RMS normalization; kernels in Kernels/LayerNormKernels.cs and Kernels/RmsNormKernels.cs. Legend: R rows (leading axes), C channels.
public sealed partial class Tensor
{
    /// <summary>
    /// Layer normalization over the last axis: y = (x − μ)/√(σ² + ε) ⊙ weight + bias, with μ and the biased
    /// variance σ² = mean((x − μ)²) taken over the last axis of <paramref name="x"/> [..., C] (as PyTorch's
    /// <c>layer_norm</c>); <paramref name="weight"/> and <paramref name="bias"/> are [C].
    /// </summary>
    /// <remarks>
    /// Gradients, with x̂ = (x − μ)·r, r = 1/√(σ² + ε), g = ∂L/∂y ⊙ weight:
    /// ∂L/∂x = r·(g − mean(g) − x̂·mean(g ⊙ x̂)), ∂L/∂weight = Σ_rows ∂L/∂y ⊙ x̂, ∂L/∂bias = Σ_rows ∂L/∂y.
    /// </remarks>
    /// <exception cref="ArgumentException">x is a scalar, or weight/bias are not [C] (the message names the shapes).</exception>
    public static Tensor LayerNorm(Tensor x, Tensor weight, Tensor bias, float eps = 1e-5f)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(bias);
        x.CheckAlive(); weight.CheckAlive(); bias.CheckAlive();
        if (x.Rank == 0) throw new ArgumentException("LayerNorm needs x of rank ≥ 1, not a scalar.", nameof(x));
        int c = x.Dims[^1];
        if (weight.Rank != 1 || weight.Dims[0] != c || bias.Rank != 1 || bias.Dims[0] != c)
            throw new ArgumentException($"LayerNorm: weight {ShapeMath.Format(weight.Dims)} and bias {ShapeMath.Format(bias.Dims)} must both be [{c}] for x {ShapeMath.Format(x.Dims)}.");
        if (!(eps > 0f)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "LayerNorm: eps must be positive.");

        var xc = x.Contiguous();
        var w = weight.Contiguous();
        var b = bias.Contiguous();
        int rows = c == 0 ? 0 : x.Size / c;
        var y = Empty(x.ShapeArray, clear: false);           // [..., C]
        var stats = Empty([2, rows], clear: false);           // [μ; r] per row, [2, R]
        float[] xd = xc.Data, wd = w.Data, bd = b.Data, yd = y.Data, sd = stats.Data;
        int xo = xc.Offset, wo = w.Offset, bo = b.Offset;
        RowParallel.For(rows, 3L * c, (_, lo, hi) =>
            LayerNormKernels.Forward(xd.AsSpan(xo + lo * c, (hi - lo) * c), wd.AsSpan(wo, c), bd.AsSpan(bo, c),
                yd.AsSpan(lo * c, (hi - lo) * c), sd.AsSpan(lo, hi - lo), sd.AsSpan(rows + lo, hi - lo), c, eps));
        if (!Records([xc, w, b])) return y;

        return y.Record("LayerNorm", [xc, w, b], g =>
        {
            var gc = g.Contiguous();
            // dx goes straight into x's gradient; dw and db into their own (the first part) or per-part partial sums.
            bool directX = true;
            var dx = xc.RequiresGrad ? GradTarget(xc, out directX) : Empty([rows, c], clear: true);
            int parts = RowParallel.Parts(rows, 4L * c);
            var partial = BufferPool.Rent(parts * 2 * c);      // [parts, 2, C]: Σ dy ⊙ x̂ and Σ dy of each part
            Array.Clear(partial, 0, partial.Length);
            float[] gd = gc.Data, dd = dx.Data;
            int go = gc.Offset, dOff = dx.Offset;
            RowParallel.For(rows, 4L * c, (part, lo, hi) =>
                LayerNormKernels.Backward(gd.AsSpan(go + lo * c, (hi - lo) * c), xd.AsSpan(xo + lo * c, (hi - lo) * c),
                    wd.AsSpan(wo, c), sd.AsSpan(lo, hi - lo), sd.AsSpan(rows + lo, hi - lo),
                    dd.AsSpan(dOff + lo * c, (hi - lo) * c), partial.AsSpan(part * 2 * c, c), partial.AsSpan(part * 2 * c + c, c),
                    c));
            for (int p = 1; p < parts; p++)
                System.Numerics.Tensors.TensorPrimitives.Add(partial.AsSpan(0, 2 * c), partial.AsSpan(p * 2 * c, 2 * c), partial.AsSpan(0, 2 * c));
            if (xc.RequiresGrad && !directX) AccumulateGrad(xc, dx);
            AddInto(w, partial.AsSpan(0, c));
            AddInto(b, partial.AsSpan(c, c));
            BufferPool.Return(partial);
        });
    }

    /// <summary>
    /// RMS normalization over the last axis (Llama's RMSNorm): y = x / √(mean(x²) + ε) ⊙ weight, with the mean over
    /// the last axis of <paramref name="x"/> [..., C] and <paramref name="weight"/> [C]; accumulated in float32.
    /// </summary>
    /// <remarks>
    /// Gradients, with r = 1/√(mean(x²) + ε), x̂ = x·r, g = ∂L/∂y ⊙ weight:
    /// ∂L/∂x = r·(g − x̂·mean(g ⊙ x̂)), ∂L/∂weight = Σ_rows ∂L/∂y ⊙ x̂.
    /// </remarks>
    /// <exception cref="ArgumentException">x is a scalar, or weight is not [C] (the message names the shapes).</exception>
    public static Tensor RmsNorm(Tensor x, Tensor weight, float eps = 1e-6f)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        x.CheckAlive(); weight.CheckAlive();
        if (x.Rank == 0) throw new ArgumentException("RmsNorm needs x of rank ≥ 1, not a scalar.", nameof(x));
        int c = x.Dims[^1];
        if (weight.Rank != 1 || weight.Dims[0] != c)
            throw new ArgumentException($"RmsNorm: weight {ShapeMath.Format(weight.Dims)} must be [{c}] for x {ShapeMath.Format(x.Dims)}.");
        if (!(eps > 0f)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "RmsNorm: eps must be positive.");

        var xc = x.Contiguous();
        var w = weight.Contiguous();
        int rows = c == 0 ? 0 : x.Size / c;
        var y = Empty(x.ShapeArray, clear: false);           // [..., C]
        var rstd = Empty([rows], clear: false);               // r per row, [R]
        float[] xd = xc.Data, wd = w.Data, yd = y.Data, rd = rstd.Data;
        int xo = xc.Offset, wo = w.Offset;
        RowParallel.For(rows, 2L * c, (_, lo, hi) =>
            RmsNormKernels.Forward(xd.AsSpan(xo + lo * c, (hi - lo) * c), wd.AsSpan(wo, c), yd.AsSpan(lo * c, (hi - lo) * c),
                rd.AsSpan(lo, hi - lo), c, eps));
        if (!Records(xc, w)) return y;

        return y.Record("RmsNorm", [xc, w], g =>
        {
            var gc = g.Contiguous();
            bool directX = true;
            var dx = xc.RequiresGrad ? GradTarget(xc, out directX) : Empty([rows, c], clear: true);
            int parts = RowParallel.Parts(rows, 3L * c);
            var partial = BufferPool.Rent(parts * c);          // [parts, C]: Σ dy ⊙ x̂ of each part
            Array.Clear(partial, 0, partial.Length);
            float[] gd = gc.Data, dd = dx.Data;
            int go = gc.Offset, dOff = dx.Offset;
            RowParallel.For(rows, 3L * c, (part, lo, hi) =>
                RmsNormKernels.Backward(gd.AsSpan(go + lo * c, (hi - lo) * c), xd.AsSpan(xo + lo * c, (hi - lo) * c),
                    wd.AsSpan(wo, c), rd.AsSpan(lo, hi - lo), dd.AsSpan(dOff + lo * c, (hi - lo) * c), partial.AsSpan(part * c, c), c));
            for (int p = 1; p < parts; p++)
                System.Numerics.Tensors.TensorPrimitives.Add(partial.AsSpan(0, c), partial.AsSpan(p * c, c), partial.AsSpan(0, c));
            if (xc.RequiresGrad && !directX) AccumulateGrad(xc, dx);
            AddInto(w, partial.AsSpan(0, c));
            BufferPool.Return(partial);
        });
    }

    /// <summary>input.Grad += values (values contiguous, in input's shape), when input requires gradients.</summary>
    private static void AddInto(Tensor input, ReadOnlySpan<float> values)
    {
        if (!input.RequiresGrad) return;
        var target = GradTarget(input, out bool direct);
        var span = target.Data.AsSpan(target.Offset, target.Size);
        System.Numerics.Tensors.TensorPrimitives.Add(span, values, span);
        if (!direct) AccumulateGrad(input, target);
    }
}
