using Rebel.Tensors.Kernels;

namespace Rebel.Tensors;

// Losses; kernels in Kernels/LossKernels.cs. Legend: N rows (tokens or examples), V classes (vocabulary).
public sealed partial class Tensor
{
    /// <summary>
    /// Mean cross-entropy of rows of <paramref name="logits"/> [N, V] (or [..., V], rows = leading axes) against
    /// class indices: L = (1/|K|) Σ_{n∈K} −log softmax(logitsₙ)[targetₙ], where K are the rows whose target is not
    /// <paramref name="ignoreIndex"/>. The log-softmax is fused and stable (max-subtracted); if every row is
    /// ignored, L = 0 (with zero gradient).
    /// </summary>
    /// <remarks>Gradient: ∂L/∂logitsₙ = (softmax(logitsₙ) − onehot(targetₙ)) / |K| for n ∈ K, 0 for ignored rows.</remarks>
    /// <exception cref="ArgumentException">A scalar logits tensor, or a number of targets other than the number of rows.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A target outside [0, V) that is not the ignore index.</exception>
    public static Tensor CrossEntropy(Tensor logits, int[] targets, int ignoreIndex = -100)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(targets);
        logits.CheckAlive();
        if (logits.Rank == 0) throw new ArgumentException("CrossEntropy needs logits of shape [N, V], not a scalar.", nameof(logits));
        int v = logits.Dims[^1], rows = v == 0 ? 0 : logits.Size / v;
        if (targets.Length != rows)
            throw new ArgumentException($"CrossEntropy: {targets.Length} targets given for logits of shape {ShapeMath.Format(logits.Dims)} ({rows} rows).", nameof(targets));
        int kept = 0;
        for (int n = 0; n < targets.Length; n++)
        {
            if (targets[n] == ignoreIndex) continue;
            if ((uint)targets[n] >= (uint)v)
                throw new ArgumentOutOfRangeException(nameof(targets), targets[n],
                    $"CrossEntropy: target {targets[n]} at row {n} is outside [0, {v}) and is not the ignore index {ignoreIndex}.");
            kept++;
        }

        var x = logits.Contiguous();
        var t = (int[])targets.Clone();
        var lseT = Empty([rows], clear: false);                          // ln Σ eˣ per row [N], kept for backward
        var lse = lseT.Data;
        int parts = RowParallel.Parts(rows, 2L * v);
        var sums = new double[parts];
        float[] xd = x.Data;
        int xo = x.Offset;
        RowParallel.For(rows, 2L * v, (part, lo, hi) =>
            sums[part] = LossKernels.CrossEntropyForward(xd.AsSpan(xo + lo * v, (hi - lo) * v), t.AsSpan(lo, hi - lo), ignoreIndex, lse.AsSpan(lo, hi - lo), v));
        double total = 0;
        foreach (var s in sums) total += s;
        var y = Empty([], clear: false);
        y.Data[0] = kept == 0 ? 0f : (float)(total / kept);              // L = Σ ℓ / |K|
        if (!Records(x) || kept == 0) return y;
        return y.Record("CrossEntropy", [x], g =>
        {
            float scale = g.Item() / kept;                                // ∂L/∂ℓₙ = g / |K|
            var dx = GradTarget(x, out bool direct);
            float[] dd = dx.Data;
            int dOff = dx.Offset;
            RowParallel.For(rows, 2L * v, (_, lo, hi) =>
                LossKernels.CrossEntropyBackward(xd.AsSpan(xo + lo * v, (hi - lo) * v), t.AsSpan(lo, hi - lo), ignoreIndex,
                    lse.AsSpan(lo, hi - lo), scale, dd.AsSpan(dOff + lo * v, (hi - lo) * v), v));
            if (!direct) AccumulateGrad(x, dx);
        });
    }

    /// <summary>
    /// Mean squared error L = mean((a − b)²) over the broadcast shape of <paramref name="a"/> and <paramref name="b"/>
    /// (broadcasting as in <see cref="Subtract"/>; 0 for an empty shape).
    /// </summary>
    /// <remarks>Gradients: ∂L/∂a = 2(a − b)/n, ∂L/∂b = −2(a − b)/n (summed over broadcast axes), n the element count.</remarks>
    /// <exception cref="ArgumentException">Shapes that do not broadcast (the message names both).</exception>
    public static Tensor SquaredError(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var d = BinaryForward(BinaryOp.Subtract, a, b, "SquaredError");   // d = a − b, broadcast shape
        int n = d.Size;
        var y = Empty([], clear: false);
        y.Data[0] = n == 0 ? 0f : (float)(LossKernels.SquaredErrorForward(d.AsSpan()) / n); // L = Σ d² / n
        if (!Records(a, b) || n == 0) return y;
        return y.Record("SquaredError", [a, b], g =>
        {
            float scale = 2f * g.Item() / n;                              // ∂L/∂d = 2d·g / n
            if (a.RequiresGrad) AccumulateGrad(a, ScaledDifference(d, scale));
            if (b.RequiresGrad) AccumulateGrad(b, ScaledDifference(d, -scale));
        });
    }

    /// <summary>scale · d as a new tensor of d's shape.</summary>
    private static Tensor ScaledDifference(Tensor d, float scale)
    {
        var r = Empty(d.ShapeArray, clear: true);
        LossKernels.SquaredErrorBackward(d.AsSpan(), scale, r.AsSpan());
        return r;
    }
}
