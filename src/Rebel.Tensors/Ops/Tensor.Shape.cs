using Rebel.Tensors.Kernels;

namespace Rebel.Tensors;

// Views (reshape, transpose, permute, slice) share storage; concat/stack copy; split returns slice views.
public sealed partial class Tensor
{
    /// <summary>
    /// The same elements with a new shape (one extent may be −1 and is inferred). A view when this tensor is
    /// contiguous, otherwise a contiguous copy.
    /// </summary>
    public Tensor Reshape(params int[] shape)
    {
        CheckAlive();
        var target = InferShape(shape);
        var src = IsContiguous ? this : Detach(); // the copy is not recorded: the view below records against this tensor
        var y = new Tensor(src.Data, src.Offset, target, ShapeMath.ContiguousStrides(target), src);
        if (!Records(this)) return y;
        return y.Record("Reshape", [this], g => AccumulateGrad(this, g.Contiguous().Reshape(Dims)));
    }

    private int[] InferShape(int[] shape)
    {
        var target = (int[])shape.Clone();
        int infer = Array.IndexOf(target, -1);
        if (infer >= 0)
        {
            int known = 1;
            for (int d = 0; d < target.Length; d++) if (d != infer) known *= target[d];
            if (known == 0 || Size % known != 0)
                throw new ArgumentException($"Reshape: cannot infer an extent to reshape {ShapeMath.Format(Dims)} into {ShapeMath.Format(shape)}.");
            target[infer] = Size / known;
        }
        ShapeMath.Validate(target);
        if (ShapeMath.Count(target) != Size)
            throw new ArgumentException($"Reshape: shape {ShapeMath.Format(Dims)} ({Size} elements) cannot become {ShapeMath.Format(shape)}.");
        return target;
    }

    /// <summary>Exchanges two axes (a view; no copy).</summary>
    public Tensor Transpose(int axis0, int axis1)
    {
        int a = ShapeMath.Axis(axis0, Rank), b = ShapeMath.Axis(axis1, Rank);
        var perm = Enumerable.Range(0, Rank).ToArray();
        (perm[a], perm[b]) = (perm[b], perm[a]);
        return Permute(perm);
    }

    /// <summary>Reorders the axes: result axis i is this tensor's axis <c>order[i]</c> (a view; no copy).</summary>
    public Tensor Permute(params int[] order)
    {
        CheckAlive();
        if (order.Length != Rank || order.Distinct().Count() != Rank || order.Any(o => o < 0 || o >= Rank))
            throw new ArgumentException($"Permute: {ShapeMath.Format(order)} is not a permutation of the axes of {ShapeMath.Format(Dims)}.");
        var shape = new int[Rank];
        var strides = new int[Rank];
        for (int i = 0; i < Rank; i++) { shape[i] = Dims[order[i]]; strides[i] = Strides[order[i]]; }
        var y = new Tensor(Data, Offset, shape, strides, this);
        if (!Records(this)) return y;
        var inverse = new int[Rank];
        for (int i = 0; i < Rank; i++) inverse[order[i]] = i;
        return y.Record("Permute", [this], g => AccumulateGrad(this, g.Permute(inverse)));
    }

    /// <summary>Elements <paramref name="start"/> .. start+length−1 along <paramref name="axis"/> (a view; no copy).</summary>
    public Tensor Slice(int axis, int start, int length)
    {
        CheckAlive();
        int ax = ShapeMath.Axis(axis, Rank);
        if (start < 0 || length < 0 || start + length > Dims[ax])
            throw new ArgumentOutOfRangeException(nameof(start), $"Slice [{start}, {start + length}) is outside axis {axis} of shape {ShapeMath.Format(Dims)}.");
        var shape = ShapeArray;
        shape[ax] = length;
        var y = new Tensor(Data, Offset + start * Strides[ax], shape, (int[])Strides.Clone(), this);
        if (!Records(this)) return y;
        return y.Record("Slice", [this], g => AccumulateGradInto(this, ax, start, g));
    }

    /// <summary>This tensor if contiguous, else a contiguous copy (recorded; gradient passes through).</summary>
    public Tensor Contiguous()
    {
        CheckAlive();
        if (IsContiguous) return this;
        var y = Empty(ShapeArray, clear: false);
        StridedKernels.Copy(Dims, Data, Offset, Strides, y.Data, 0, y.Strides);
        if (!Records(this)) return y;
        return y.Record("Contiguous", [this], g => AccumulateGrad(this, g));
    }

    /// <summary>A new tensor with the same values that is not part of any graph and does not require gradients.</summary>
    public Tensor Detach()
    {
        var y = Empty(ShapeArray, clear: false);
        StridedKernels.Copy(Dims, Data, Offset, Strides, y.Data, 0, y.Strides);
        return y;
    }

    /// <summary>Inserts an axis of extent 1 at <paramref name="axis"/> (a view).</summary>
    public Tensor Unsqueeze(int axis)
    {
        int ax = axis < 0 ? axis + Rank + 1 : axis;
        if (ax < 0 || ax > Rank) throw new ArgumentOutOfRangeException(nameof(axis), $"Unsqueeze axis {axis} out of range for rank {Rank}.");
        var shape = new List<int>(Dims);
        shape.Insert(ax, 1);
        return Reshape([.. shape]);
    }

    /// <summary>Joins tensors of equal shape except along <paramref name="axis"/>.</summary>
    public static Tensor Concat(IReadOnlyList<Tensor> tensors, int axis)
    {
        if (tensors.Count == 0) throw new ArgumentException("Concat needs at least one tensor.");
        var first = tensors[0];
        int ax = ShapeMath.Axis(axis, first.Rank);
        var shape = first.ShapeArray;
        int total = 0;
        foreach (var t in tensors)
        {
            t.CheckAlive();
            bool ok = t.Rank == first.Rank;
            for (int d = 0; ok && d < t.Rank; d++) ok = d == ax || t.Dims[d] == first.Dims[d];
            if (!ok) throw new ArgumentException($"Concat along axis {axis}: shapes {ShapeMath.Format(first.Dims)} and {ShapeMath.Format(t.Dims)} differ off that axis.");
            total += t.Dims[ax];
        }
        shape[ax] = total;
        var y = Empty(shape, clear: false);
        var starts = new int[tensors.Count];
        int at = 0;
        for (int i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i];
            starts[i] = at;
            StridedKernels.Copy(t.Dims, t.Data, t.Offset, t.Strides, y.Data, at * y.Strides[ax], y.Strides);
            at += t.Dims[ax];
        }
        if (!Records(tensors)) return y;
        var inputs = tensors.ToArray();
        return y.Record("Concat", inputs, g =>
        {
            for (int i = 0; i < inputs.Length; i++)
                if (inputs[i].RequiresGrad) AccumulateGrad(inputs[i], g.Slice(ax, starts[i], inputs[i].Dims[ax]));
        });
    }

    /// <summary>Stacks tensors of equal shape along a new axis.</summary>
    public static Tensor Stack(IReadOnlyList<Tensor> tensors, int axis)
    {
        if (tensors.Count == 0) throw new ArgumentException("Stack needs at least one tensor.");
        foreach (var t in tensors)
            if (!ShapeMath.SameShape(t.Dims, tensors[0].Dims))
                throw new ArgumentException($"Stack: shapes {ShapeMath.Format(tensors[0].Dims)} and {ShapeMath.Format(t.Dims)} differ.");
        return Concat(tensors.Select(t => t.Unsqueeze(axis)).ToArray(), axis);
    }

    /// <summary>Splits along <paramref name="axis"/> into pieces of the given extents (views).</summary>
    public Tensor[] Split(int axis, params int[] sizes)
    {
        int ax = ShapeMath.Axis(axis, Rank);
        if (sizes.Sum() != Dims[ax])
            throw new ArgumentException($"Split sizes {ShapeMath.Format(sizes)} do not add up to extent {Dims[ax]} of axis {axis} in {ShapeMath.Format(Dims)}.");
        var parts = new Tensor[sizes.Length];
        for (int i = 0, at = 0; i < sizes.Length; at += sizes[i], i++) parts[i] = Slice(ax, at, sizes[i]);
        return parts;
    }

    /// <summary>input.Grad[..., start:start+len along axis, ...] += g.</summary>
    private static void AccumulateGradInto(Tensor input, int axis, int start, Tensor g)
    {
        if (!input.RequiresGrad) return;
        input.Grad ??= NewGradient(input, clear: true);
        var acc = input.Grad;
        int off = acc.Offset + start * acc.Strides[axis];
        StridedKernels.Binary(BinaryOp.Add, g.ShapeArray, acc.Data, off, acc.Strides, g.Data, g.Offset, g.Strides, acc.Data, off, acc.Strides);
    }
}
