using Rebel.Tensors.Kernels;

namespace Rebel.Tensors;

// Softmax and log-softmax; kernels in Kernels/SoftmaxKernels.cs. Also the gradient-buffer helper the nn ops share.
public sealed partial class Tensor
{
    /// <summary>
    /// softmax(x)ᵢ = e^(xᵢ − max x) / Σⱼ e^(xⱼ − max x) along <paramref name="axis"/> (max-subtracted, so large
    /// inputs do not overflow; a row of all −∞ gives NaN, as in PyTorch).
    /// </summary>
    /// <remarks>Gradient: ∂L/∂x = y ⊙ (g − ⟨g, y⟩) per row. A non-last axis is moved last through views.</remarks>
    public Tensor Softmax(int axis = -1) =>
        RowWise(axis, "Softmax", SoftmaxKernels.Forward, SoftmaxKernels.Backward, (x, a) => x.Softmax(a));

    /// <summary>log softmax(x)ᵢ = xᵢ − max x − ln Σⱼ e^(xⱼ − max x) along <paramref name="axis"/>.</summary>
    /// <remarks>Gradient: ∂L/∂x = g − softmax(x) · Σ g per row.</remarks>
    public Tensor LogSoftmax(int axis = -1) =>
        RowWise(axis, "LogSoftmax", SoftmaxKernels.LogForward, SoftmaxKernels.LogBackward, (x, a) => x.LogSoftmax(a));

    private delegate void RowForward(ReadOnlySpan<float> x, Span<float> y, int n);

    private delegate void RowBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int n);

    /// <summary>A row-wise op along the last axis whose backward needs only its output (softmax, log-softmax).</summary>
    private Tensor RowWise(int axis, string op, RowForward forward, RowBackward backward, Func<Tensor, int, Tensor> self)
    {
        CheckAlive();
        if (Rank == 0) throw new ArgumentException($"{op} needs a tensor of rank ≥ 1, not a scalar.");
        int ax = ShapeMath.Axis(axis, Rank);
        if (ax != Rank - 1) return self(Transpose(ax, -1), -1).Transpose(ax, -1);
        var x = Contiguous();
        int n = Dims[^1], rows = n == 0 ? 0 : Size / n;
        var y = Empty(ShapeArray, clear: false);
        float[] xd = x.Data, yd = y.Data;
        int xo = x.Offset;
        RowParallel.For(rows, 4L * n, (_, lo, hi) =>
            forward(xd.AsSpan(xo + lo * n, (hi - lo) * n), yd.AsSpan(lo * n, (hi - lo) * n), n));
        if (!Records(x)) return y;
        return y.Record(op, [x], g =>
        {
            var gc = g.Contiguous();
            var dx = GradTarget(x, out bool direct);
            float[] gd = gc.Data, dd = dx.Data;
            int go = gc.Offset, dOff = dx.Offset;
            RowParallel.For(rows, 4L * n, (_, lo, hi) =>
                backward(yd.AsSpan(lo * n, (hi - lo) * n), gd.AsSpan(go + lo * n, (hi - lo) * n), dd.AsSpan(dOff + lo * n, (hi - lo) * n), n));
            if (!direct) AccumulateGrad(x, dx);
        });
    }

    /// <summary>
    /// The buffer a backward kernel should add ∂L/∂input into: the input's own gradient when it exists and is
    /// contiguous (or a new zeroed one, set as its gradient), so no temporary is needed (<paramref name="direct"/>);
    /// otherwise a zeroed temporary the caller passes to <see cref="AccumulateGrad"/> afterwards.
    /// </summary>
    internal static Tensor GradTarget(Tensor input, out bool direct)
    {
        direct = true;
        if (input.Grad is null)
        {
            input.Grad = NewGradient(input, clear: true);
            return input.Grad;
        }
        if (input.Grad.IsContiguous && ShapeMath.SameShape(input.Grad.Dims, input.Dims)) return input.Grad;
        direct = false;
        return Empty(input.ShapeArray, clear: true);
    }
}
