using System.Numerics.Tensors;

namespace Rebel.Tensors.Kernels;

/// <summary>The elementwise binary operations of <see cref="StridedKernels.Binary"/>.</summary>
internal enum BinaryOp { Add, Subtract, Multiply, Divide }

/// <summary>
/// Elementwise loops over operands with arbitrary strides (stride 0 = broadcast axis). Adjacent axes that are laid
/// out compatibly in every operand are merged first, so contiguous and row-broadcast cases run as long vectorized
/// inner loops (TensorPrimitives) and only truly strided cases fall back to scalar code.
/// </summary>
internal static class StridedKernels
{
    /// <summary>o = op(a, b) elementwise over <paramref name="shape"/>; o may alias a (in-place accumulation).</summary>
    public static void Binary(BinaryOp op, int[] shape,
        float[] a, int aOff, int[] aStr, float[] b, int bOff, int[] bStr, float[] o, int oOff, int[] oStr)
    {
        var (dims, sa, sb, so) = Coalesce(shape, aStr, bStr, oStr);
        int rank = dims.Length;
        int n = rank == 0 ? 1 : dims[rank - 1];
        int ia = rank == 0 ? 0 : sa[rank - 1], ib = rank == 0 ? 0 : sb[rank - 1], io = rank == 0 ? 0 : so[rank - 1];
        int outer = 1;
        for (int d = 0; d < rank - 1; d++) outer *= dims[d];
        if (n == 0 || outer == 0) return;

        Span<int> index = stackalloc int[Math.Max(rank, 1)];
        int pa = aOff, pb = bOff, po = oOff;
        for (int row = 0; row < outer; row++)
        {
            Row(op, n, a, pa, ia, b, pb, ib, o, po, io);
            // odometer over the outer axes
            for (int d = rank - 2; d >= 0; d--)
            {
                index[d]++;
                pa += sa[d]; pb += sb[d]; po += so[d];
                if (index[d] < dims[d]) break;
                pa -= sa[d] * dims[d]; pb -= sb[d] * dims[d]; po -= so[d] * dims[d];
                index[d] = 0;
            }
        }
    }

    private static void Row(BinaryOp op, int n, float[] a, int pa, int ia, float[] b, int pb, int ib, float[] o, int po, int io)
    {
        if (io == 1 && ia == 1 && ib == 1)
        {
            var x = a.AsSpan(pa, n); var y = b.AsSpan(pb, n); var z = o.AsSpan(po, n);
            switch (op)
            {
                case BinaryOp.Add: TensorPrimitives.Add(x, y, z); break;
                case BinaryOp.Subtract: TensorPrimitives.Subtract(x, y, z); break;
                case BinaryOp.Multiply: TensorPrimitives.Multiply(x, y, z); break;
                default: TensorPrimitives.Divide(x, y, z); break;
            }
            return;
        }
        if (io == 1 && ia == 1 && ib == 0)
        {
            var x = a.AsSpan(pa, n); float y = b[pb]; var z = o.AsSpan(po, n);
            switch (op)
            {
                case BinaryOp.Add: TensorPrimitives.Add(x, y, z); break;
                case BinaryOp.Subtract: TensorPrimitives.Subtract(x, y, z); break;
                case BinaryOp.Multiply: TensorPrimitives.Multiply(x, y, z); break;
                default: TensorPrimitives.Divide(x, y, z); break;
            }
            return;
        }
        if (io == 1 && ia == 0 && ib == 1)
        {
            float x = a[pa]; var y = b.AsSpan(pb, n); var z = o.AsSpan(po, n);
            switch (op)
            {
                case BinaryOp.Add: TensorPrimitives.Add(y, x, z); break;
                case BinaryOp.Subtract: TensorPrimitives.Subtract(x, y, z); break;
                case BinaryOp.Multiply: TensorPrimitives.Multiply(y, x, z); break;
                default: TensorPrimitives.Divide(x, y, z); break;
            }
            return;
        }
        for (int i = 0; i < n; i++)
        {
            float x = a[pa + i * ia], y = b[pb + i * ib];
            o[po + i * io] = op switch
            {
                BinaryOp.Add => x + y,
                BinaryOp.Subtract => x - y,
                BinaryOp.Multiply => x * y,
                _ => x / y,
            };
        }
    }

    /// <summary>dst = src elementwise over <paramref name="shape"/> with arbitrary strides on both sides.</summary>
    public static void Copy(int[] shape, float[] src, int sOff, int[] sStr, float[] dst, int dOff, int[] dStr)
    {
        var zero = new int[shape.Length];
        var (dims, ss, _, ds) = Coalesce(shape, sStr, zero, dStr);
        int rank = dims.Length;
        int n = rank == 0 ? 1 : dims[rank - 1];
        int i1 = rank == 0 ? 0 : ss[rank - 1], o1 = rank == 0 ? 0 : ds[rank - 1];
        int outer = 1;
        for (int d = 0; d < rank - 1; d++) outer *= dims[d];
        if (n == 0 || outer == 0) return;
        Span<int> index = stackalloc int[Math.Max(rank, 1)];
        int ps = sOff, pd = dOff;
        for (int row = 0; row < outer; row++)
        {
            if (i1 == 1 && o1 == 1) src.AsSpan(ps, n).CopyTo(dst.AsSpan(pd, n));
            else if (i1 == 0 && o1 == 1) dst.AsSpan(pd, n).Fill(src[ps]);
            else for (int i = 0; i < n; i++) dst[pd + i * o1] = src[ps + i * i1];
            for (int d = rank - 2; d >= 0; d--)
            {
                index[d]++;
                ps += ss[d]; pd += ds[d];
                if (index[d] < dims[d]) break;
                ps -= ss[d] * dims[d]; pd -= ds[d] * dims[d];
                index[d] = 0;
            }
        }
    }

    /// <summary>
    /// Drops extent-1 axes and merges axis d into d+1 when, for every operand, stride[d] = stride[d+1]·extent[d+1].
    /// </summary>
    private static (int[] Dims, int[] A, int[] B, int[] O) Coalesce(int[] shape, int[] a, int[] b, int[] o)
    {
        var dims = new List<int>(shape.Length);
        var la = new List<int>(shape.Length); var lb = new List<int>(shape.Length); var lo = new List<int>(shape.Length);
        for (int d = 0; d < shape.Length; d++)
        {
            if (shape[d] == 1) continue;
            int k = dims.Count - 1;
            if (k >= 0 && la[k] == a[d] * shape[d] && lb[k] == b[d] * shape[d] && lo[k] == o[d] * shape[d])
            {
                dims[k] *= shape[d];
                la[k] = a[d]; lb[k] = b[d]; lo[k] = o[d];
            }
            else
            {
                dims.Add(shape[d]); la.Add(a[d]); lb.Add(b[d]); lo.Add(o[d]);
            }
        }
        if (dims.Count == 0) return ([1], [0], [0], [0]);
        return (dims.ToArray(), la.ToArray(), lb.ToArray(), lo.ToArray());
    }
}
