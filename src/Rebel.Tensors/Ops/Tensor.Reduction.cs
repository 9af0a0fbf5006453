using System.Numerics.Tensors;
using Rebel.Tensors.Kernels;

namespace Rebel.Tensors;

// Sums and means over axes.
public sealed partial class Tensor
{
    /// <summary>Σ of all elements, as a 0-dimensional tensor. ∂/∂x = g (broadcast).</summary>
    public Tensor Sum()
    {
        var x = Contiguous();
        var y = Empty([], clear: false);
        y.Data[0] = TensorPrimitives.Sum(x.AsSpan());
        if (!Records(this)) return y;
        return y.Record("Sum", [this], g => AccumulateGrad(this, g.BroadcastTo(Dims)));
    }

    /// <summary>Mean of all elements. ∂/∂x = g / n.</summary>
    public Tensor Mean() => Sum().Scale(1f / Math.Max(Size, 1));

    /// <summary>Σ over <paramref name="axis"/>; the axis is kept with extent 1 when <paramref name="keepDim"/>.</summary>
    public Tensor Sum(int axis, bool keepDim = false)
    {
        int ax = ShapeMath.Axis(axis, Rank);
        var kept = ShapeArray;
        kept[ax] = 1;
        var y = SumAxisForward(Contiguous(), ax, kept);
        if (Records(this)) y.Record("SumAxis", [this], g => AccumulateGrad(this, g.BroadcastTo(Dims)));
        return keepDim ? y : y.Reshape(RemoveAxis(Dims, ax));
    }

    /// <summary>Mean over <paramref name="axis"/>.</summary>
    public Tensor Mean(int axis, bool keepDim = false) => Sum(axis, keepDim).Scale(1f / Math.Max(Dim(axis), 1));

    /// <summary>
    /// Sums this tensor down to <paramref name="shape"/>, which it must broadcast from (the reverse of broadcasting;
    /// used for gradients of broadcast operands). Not recorded.
    /// </summary>
    internal Tensor SumTo(ReadOnlySpan<int> shape)
    {
        var x = Contiguous();
        int lead = Rank - shape.Length;
        if (lead < 0) throw new ArgumentException($"SumTo: shape {ShapeMath.Format(Dims)} cannot be reduced to {ShapeMath.Format(shape)}.");
        // collapse the leading axes into one, then sum every axis where the target has extent 1
        int outer = 1;
        for (int d = 0; d < lead; d++) outer *= Dims[d];
        var cur = x.Reshape([outer, .. Dims[lead..]]);
        cur = SumAxisForward(cur, 0, [1, .. Dims[lead..]]);
        for (int d = 0; d < shape.Length; d++)
        {
            if (shape[d] == 1 && Dims[lead + d] != 1)
            {
                var kept = cur.ShapeArray;
                kept[d + 1] = 1;
                cur = SumAxisForward(cur, d + 1, kept);
            }
            else if (shape[d] != Dims[lead + d])
                throw new ArgumentException($"SumTo: shape {ShapeMath.Format(Dims)} cannot be reduced to {ShapeMath.Format(shape)}.");
        }
        return cur.Reshape(shape.ToArray());
    }

    /// <summary>Broadcasts this tensor to <paramref name="shape"/> into a new contiguous tensor. Not recorded.</summary>
    internal Tensor BroadcastTo(ReadOnlySpan<int> shape)
    {
        var target = shape.ToArray();
        ShapeMath.Broadcast(Dims, target, "BroadcastTo");
        var y = Empty(target, clear: false);
        StridedKernels.Copy(target, Data, Offset, ShapeMath.BroadcastStrides(Dims, Strides, target), y.Data, 0, y.Strides);
        return y;
    }

    /// <summary>Sum of contiguous x over axis <paramref name="ax"/>: x viewed as [outer, n, inner] → [outer, inner].</summary>
    private static Tensor SumAxisForward(Tensor x, int ax, int[] keptShape)
    {
        int n = x.Dims[ax], inner = 1, outer = 1;
        for (int d = 0; d < ax; d++) outer *= x.Dims[d];
        for (int d = ax + 1; d < x.Rank; d++) inner *= x.Dims[d];
        var y = Empty(keptShape, clear: true);
        var src = x.Data.AsSpan(x.Offset, x.Size);
        var dst = y.AsSpan();
        for (int o = 0; o < outer; o++)
        {
            var dRow = dst.Slice(o * inner, inner);
            if (inner == 1)
            {
                dRow[0] = TensorPrimitives.Sum(src.Slice(o * n, n));
                continue;
            }
            for (int i = 0; i < n; i++) TensorPrimitives.Add(dRow, src.Slice((o * n + i) * inner, inner), dRow);
        }
        return y;
    }

    private static int[] RemoveAxis(ReadOnlySpan<int> shape, int axis)
    {
        var r = new int[shape.Length - 1];
        for (int d = 0, k = 0; d < shape.Length; d++) if (d != axis) r[k++] = shape[d];
        return r;
    }
}
