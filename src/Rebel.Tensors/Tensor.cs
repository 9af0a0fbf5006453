using System.Text;
using Rebel.Tensors.Autograd;
using Rebel.Tensors.Memory;

namespace Rebel.Tensors;

/// <summary>
/// A float32 tensor: row-major storage with a shape, strides and an offset, so reshapes, slices and transposes are
/// views that share storage. Operations on tensors that require gradients are recorded for reverse-mode
/// differentiation (<see cref="Backward()"/>), unless inside <see cref="NoGrad"/>.
/// </summary>
/// <remarks>
/// Operations are split by concern into partial files under <c>Ops/</c>. Shape errors throw
/// <see cref="ArgumentException"/> naming both shapes. Inside a <see cref="TensorScope"/> new tensors take their
/// buffers from a pool and give them back when the scope ends.
/// </remarks>
public sealed partial class Tensor
{
    internal float[] Data;
    internal int Offset;
    internal readonly int[] Dims;
    internal readonly int[] Strides;
    private readonly Tensor? _base;
    private bool _pooled;
    private bool _released;

    internal Tensor(float[] data, int offset, int[] shape, int[] strides, Tensor? viewOf = null, bool pooled = false)
    {
        Data = data;
        Offset = offset;
        Dims = shape;
        Strides = strides;
        _base = viewOf?._base ?? viewOf;
        _pooled = pooled;
        Size = ShapeMath.Count(shape);
    }

    /// <summary>Number of axes.</summary>
    public int Rank => Dims.Length;

    /// <summary>Number of elements (the product of the shape; 1 for a scalar).</summary>
    public int Size { get; }

    /// <summary>The extent of each axis.</summary>
    public ReadOnlySpan<int> Shape => Dims;

    /// <summary>A copy of the shape as an array.</summary>
    public int[] ShapeArray => (int[])Dims.Clone();

    /// <summary>Extent of <paramref name="axis"/> (negative counts from the end).</summary>
    public int Dim(int axis) => Dims[ShapeMath.Axis(axis, Rank)];

    /// <summary>Whether elements are laid out densely in row-major order (so <see cref="AsSpan"/> works).</summary>
    public bool IsContiguous => ShapeMath.IsContiguous(Dims, Strides);

    /// <summary>Whether gradients with respect to this tensor are computed by <see cref="Backward()"/>.</summary>
    public bool RequiresGrad { get; set; }

    /// <summary>The accumulated gradient ∂L/∂this (same shape), or null before the first backward pass.</summary>
    public Tensor? Grad { get; set; }

    /// <summary>An optional name (parameter name, for error messages and checkpoints).</summary>
    public string? Name { get; set; }

    /// <summary>The recorded operation that produced this tensor, or null for leaves.</summary>
    internal GradNode? Node { get; set; }

    /// <summary>True for a tensor not produced by a recorded operation (inputs, parameters).</summary>
    public bool IsLeaf => Node is null;

    // ---------------------------------------------------------------- creation

    /// <summary>
    /// A new contiguous tensor of the given shape. Inside a <see cref="TensorScope"/> its buffer comes from the
    /// pool (contents arbitrary unless <paramref name="clear"/>); otherwise it is a fresh zeroed array.
    /// </summary>
    internal static Tensor Empty(int[] shape, bool clear = true)
    {
        ShapeMath.Validate(shape);
        int n = ShapeMath.Count(shape);
        var scope = TensorScope.Current;
        if (scope is null) return new Tensor(new float[n], 0, shape, ShapeMath.ContiguousStrides(shape));
        var data = BufferPool.Rent(n);
        if (clear) Array.Clear(data);
        var t = new Tensor(data, 0, shape, ShapeMath.ContiguousStrides(shape), pooled: true);
        scope.Register(t);
        return t;
    }

    /// <summary>A tensor of zeros.</summary>
    public static Tensor Zeros(params int[] shape) => Empty((int[])shape.Clone(), clear: true);

    /// <summary>A tensor of ones.</summary>
    public static Tensor Ones(params int[] shape) => Full(1f, shape);

    /// <summary>A tensor filled with <paramref name="value"/>.</summary>
    public static Tensor Full(float value, params int[] shape)
    {
        var t = Empty((int[])shape.Clone(), clear: false);
        t.AsSpan().Fill(value);
        return t;
    }

    /// <summary>A 0-dimensional tensor holding <paramref name="value"/>.</summary>
    public static Tensor Scalar(float value) => Full(value);

    /// <summary>Wraps <paramref name="data"/> (no copy) as a tensor of the given shape.</summary>
    public static Tensor FromArray(float[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        ShapeMath.Validate(shape);
        if (ShapeMath.Count(shape) != data.Length)
            throw new ArgumentException($"Data of length {data.Length} does not fit shape {ShapeMath.Format(shape)}.");
        return new Tensor(data, 0, (int[])shape.Clone(), ShapeMath.ContiguousStrides(shape));
    }

    /// <summary>A copy of <paramref name="values"/> as a tensor of the given shape.</summary>
    public static Tensor FromSpan(ReadOnlySpan<float> values, params int[] shape)
    {
        var t = Empty((int[])shape.Clone(), clear: false);
        if (values.Length != t.Size)
            throw new ArgumentException($"Data of length {values.Length} does not fit shape {ShapeMath.Format(shape)}.");
        values.CopyTo(t.AsSpan());
        return t;
    }

    /// <summary>A tensor of the same shape as this one, filled with zeros.</summary>
    public Tensor ZerosLike() => Empty(ShapeArray, clear: true);

    // ---------------------------------------------------------------- element access

    /// <summary>The elements of a contiguous tensor as a span over its storage (writes go to the tensor).</summary>
    public Span<float> AsSpan()
    {
        CheckAlive();
        if (!IsContiguous)
            throw new InvalidOperationException($"AsSpan needs a contiguous tensor; this one (shape {ShapeMath.Format(Dims)}) is a strided view. Call Contiguous() first.");
        return Data.AsSpan(Offset, Size);
    }

    /// <summary>The elements in row-major order, copied into a new array.</summary>
    public float[] ToArray()
    {
        CheckAlive();
        var result = new float[Size];
        Kernels.StridedKernels.Copy(Dims, Data, Offset, Strides, result, 0, ShapeMath.ContiguousStrides(Dims));
        return result;
    }

    /// <summary>The single value of a one-element tensor.</summary>
    public float Item()
    {
        CheckAlive();
        if (Size != 1) throw new InvalidOperationException($"Item() needs a one-element tensor, not shape {ShapeMath.Format(Dims)}.");
        return Data[Offset];
    }

    /// <summary>Reads or writes one element (slow; for tests and small bookkeeping).</summary>
    [System.Runtime.CompilerServices.IndexerName("At")]
    public float this[params int[] index]
    {
        get { CheckAlive(); return Data[ElementOffset(index)]; }
        set { CheckAlive(); Data[ElementOffset(index)] = value; }
    }

    private int ElementOffset(int[] index)
    {
        if (index.Length != Rank)
            throw new ArgumentException($"Index of rank {index.Length} for a tensor of shape {ShapeMath.Format(Dims)}.");
        int o = Offset;
        for (int d = 0; d < index.Length; d++)
        {
            int i = index[d] < 0 ? index[d] + Dims[d] : index[d];
            if ((uint)i >= (uint)Dims[d])
                throw new IndexOutOfRangeException($"Index {index[d]} out of range for axis {d} of shape {ShapeMath.Format(Dims)}.");
            o += i * Strides[d];
        }
        return o;
    }

    // ---------------------------------------------------------------- memory

    /// <summary>Gives the buffer back to the pool (called by the owning scope).</summary>
    internal void Release()
    {
        if (_released) return;
        _released = true;
        if (_pooled) BufferPool.Return(Data);
        Data = [];
        Grad = null;
        Node = null;
    }

    /// <summary>True for the gradient of an intermediate (non-leaf) tensor, which <see cref="Backward(Tensor)"/> frees once used.</summary>
    internal bool IsGradientBuffer { get; set; }

    /// <summary>The tensor leaves pool management and becomes an ordinary GC-owned tensor.</summary>
    internal void DetachFromPool()
    {
        if (_pooled) BufferPool.Disown(Data);
        _pooled = false;
    }

    internal void CheckAlive()
    {
        if (_released || (_base is not null && _base._released))
            throw new ObjectDisposedException(nameof(Tensor), $"Tensor {Describe()} was used after its TensorScope ended.");
    }

    private string Describe() => Name is null ? ShapeMath.Format(Dims) : $"'{Name}' {ShapeMath.Format(Dims)}";

    /// <summary>Shape, and the values when there are few.</summary>
    public override string ToString()
    {
        if (_released) return $"Tensor{ShapeMath.Format(Dims)} (released)";
        var sb = new StringBuilder($"Tensor{ShapeMath.Format(Dims)}");
        if (Name is not null) sb.Append($" '{Name}'");
        if (Size <= 16) sb.Append(" [").Append(string.Join(", ", ToArray().Select(v => v.ToString("G6")))).Append(']');
        return sb.ToString();
    }
}
