using System.Runtime.CompilerServices;

namespace Rebel.Tensors.Kernels;

/// <summary>
/// A right-hand GEMM operand op(B) [k, n] packed once into the managed micro-kernel's column panels, for
/// <see cref="Gemm.SgemmPacked"/>: products that reuse one B many times with few rows of A — decoding with fixed weights,
/// where packing B on every call would cost as much as the product itself.
/// </summary>
/// <remarks>
/// <para>The copy is a snapshot: later changes to B are not seen (re-pack after a weight update). It takes about as much
/// memory as B (n rounded up to whole panels), pinned for the object's lifetime.</para>
/// <para>Layout (as the multi-threaded driver's shared buffer): KC block q (rows q·KC .. of op(B)) starts at q·np·KC, with
/// np = n rounded up to NR; inside it, the NR-column panel starting at column j is at + j·kc. Columns past n are zeros.</para>
/// </remarks>
public sealed unsafe class PackedMatrix
{
    private readonly float[] _buffer;
    private readonly int _offset;

    /// <summary>
    /// Packs op(B) [k, n]: B stored row-major as [n, k] when <paramref name="transB"/> (a weight W [out, in] used as Wᵀ),
    /// else as [k, n], with leading dimension <paramref name="ldb"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative <paramref name="k"/> or <paramref name="n"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="ldb"/> below the stored row width, or <paramref name="b"/> too short.</exception>
    public PackedMatrix(ReadOnlySpan<float> b, int ldb, bool transB, int k, int n)
    {
        GemmArguments.Check(false, transB, 0, n, k, 0, Math.Max(1, k), b.Length, ldb, 0, Math.Max(1, n));
        Rows = k;
        Columns = n;
        PaddedColumns = GemmManaged.RoundUp(n, GemmMicroKernel.NR);
        long floats = (long)PaddedColumns * GemmManaged.RoundUp(k, GemmManaged.KC);
        _buffer = GC.AllocateUninitializedArray<float>(checked((int)floats + 16), pinned: true);
        _offset = (int)((64 - ((nint)Unsafe.AsPointer(ref _buffer[0]) & 63)) & 63) / sizeof(float);
        fixed (float* pb = b)
            for (int q = 0, p0 = 0; p0 < k; q++, p0 += GemmManaged.KC)
                GemmPacking.PackB(pb, ldb, transB, p0, Math.Min(GemmManaged.KC, k - p0), 0, n, Block(q));
    }

    /// <summary>k: rows of op(B), the inner dimension of the product.</summary>
    public int Rows { get; }

    /// <summary>n: columns of op(B), the columns of the product.</summary>
    public int Columns { get; }

    /// <summary>n rounded up to whole NR panels.</summary>
    internal int PaddedColumns { get; }

    /// <summary>The packed KC block q (the buffer is pinned, so the pointer stays valid while this object lives).</summary>
    internal float* Block(int q) => (float*)Unsafe.AsPointer(ref _buffer[_offset]) + (nint)q * PaddedColumns * GemmManaged.KC;
}
