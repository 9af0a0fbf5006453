using System.Runtime.CompilerServices;

namespace Rebel.Tensors.Kernels;

/// <summary>
/// The managed SGEMM driver: splits C across threads, then runs the classic five-loop blocked algorithm on each part.
/// </summary>
/// <remarks>
/// Dimension legend: m, n, k as in C[m,n] = op(A)[m,k] · op(B)[k,n]; kc, mc, nc the cache blocks; MR×NR the register tile.
/// Loop order per part: jc (nc columns, packed B block kept in L2/L3) → pc (kc of the sum, pack B) → ic (mc rows,
/// pack alpha·A, kept in L2) → jr (one NR panel of B, stays in L1) → ir (one MR panel of A) → micro-kernel.
/// </remarks>
internal static unsafe partial class GemmManaged
{
    /// <summary>Depth of a packed block: a B micro-panel (KC·NR floats = 16 KiB) stays in a 32 KiB L1.</summary>
    internal const int KC = 256;

    /// <summary>Rows of a packed A block (MC·KC floats = 120 KiB, well inside a 1 MiB L2).</summary>
    internal const int MC = 120;

    /// <summary>Columns of a packed B block (NC·KC floats ≤ 4 MiB, in L3).</summary>
    internal const int NC = 4096;

    /// <summary>Below this many multiply-adds (m·n·k) a call runs on one thread: fork/join would cost more than it saves.</summary>
    internal const long ParallelThreshold = 96L * 96 * 96;

    [ThreadStatic] private static float[]? t_packA;
    [ThreadStatic] private static float[]? t_packB;

    /// <summary>C = alpha·op(A)·op(B) + beta·C on at most <paramref name="threads"/> threads (arguments already validated).</summary>
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc, int threads)
    {
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f)
        {
            ScaleC(c, ldc, 0, m, 0, n, beta);
            return;
        }
        if (threads <= 1 || (long)m * n * k < ParallelThreshold)
            Blocked(transA, transB, k, a, lda, b, ldb, beta, c, ldc, 0, m, 0, n, alpha);
        else
            SgemmParallel(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads);
    }

    /// <summary>Single-threaded: rows [i0, i1) and columns [j0, j1) of C, with this thread's packing buffers.</summary>
    private static void Blocked(bool transA, bool transB, int k, float* a, int lda, float* b, int ldb, float beta,
        float* c, int ldc, int i0, int i1, int j0, int j1, float alpha)
    {
        if (beta != 0f && beta != 1f)
        {
            ScaleC(c, ldc, i0, i1, j0, j1, beta);
            beta = 1f;
        }
        int rows = i1 - i0, cols = j1 - j0;
        float* packA = Workspace(ref t_packA, RoundUp(Math.Min(MC, rows), GemmMicroKernel.MR) * KC);
        float* packB = Workspace(ref t_packB, RoundUp(Math.Min(NC, cols), GemmMicroKernel.NR) * KC);
        for (int jc = j0; jc < j1; jc += NC)
        {
            int nc = Math.Min(NC, j1 - jc);
            for (int pc = 0; pc < k; pc += KC)
            {
                int kc = Math.Min(KC, k - pc);
                bool accumulate = pc > 0 || beta != 0f; // first k-block overwrites when beta = 0
                GemmPacking.PackB(b, ldb, transB, pc, kc, jc, nc, packB);
                for (int ic = i0; ic < i1; ic += MC)
                {
                    int mc = Math.Min(MC, i1 - ic);
                    GemmPacking.PackA(a, lda, transA, ic, mc, pc, kc, alpha, packA);
                    Macro(kc, mc, nc, packA, packB, c + (nint)ic * ldc + jc, ldc, accumulate);
                }
            }
        }
    }

    /// <summary>
    /// C[m, n] = alpha·op(A)·B + beta·C with B already packed (arguments validated): only A is packed here. On more
    /// than one thread the tiles of a <see cref="TileGrid"/> are shared out; each element sums its KC blocks in order,
    /// so the result does not depend on the thread count.
    /// </summary>
    public static void SgemmPacked(bool transA, int m, float alpha, float* a, int lda, PackedMatrix b, float beta, float* c, int ldc, int threads)
    {
        int n = b.Columns, k = b.Rows;
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f)
        {
            ScaleC(c, ldc, 0, m, 0, n, beta);
            return;
        }
        if (threads <= 1 || (long)m * n * k < ParallelThreshold)
        {
            for (int i0 = 0; i0 < m; i0 += MC) PackedTile(transA, alpha, a, lda, b, beta, c, ldc, i0, Math.Min(MC, m - i0), 0, n);
            return;
        }
        var grid = TileGrid.For(m, n, threads);
        nint pa = (nint)a, pc = (nint)c;
        int next = 0;
        GemmWorkers.Run(Math.Min(threads, grid.Tiles), _ =>
        {
            for (int tile; (tile = Interlocked.Increment(ref next) - 1) < grid.Tiles;)
            {
                int i0 = tile / grid.ColBlocks * grid.RowsPerBlock, j0 = tile % grid.ColBlocks * grid.ColsPerBlock;
                PackedTile(transA, alpha, (float*)pa, lda, b, beta, (float*)pc, ldc,
                    i0, Math.Min(grid.RowsPerBlock, m - i0), j0, Math.Min(grid.ColsPerBlock, n - j0));
            }
        });
    }

    /// <summary>Rows [i0, i0 + mc) (mc ≤ MC) and columns [j0, j0 + nc) (j0 a multiple of NR) of a pre-packed product.</summary>
    private static void PackedTile(bool transA, float alpha, float* a, int lda, PackedMatrix b, float beta, float* c, int ldc,
        int i0, int mc, int j0, int nc) =>
        Tile(transA, alpha, a, lda, i0, mc, 0, b.Rows, b.Block(0), b.PaddedColumns * KC, j0, nc, beta, first: true, c, ldc, packing: null);

    /// <summary>
    /// Rows [i0, i0 + mc) (mc ≤ MC) and columns [j0, j0 + nc) (j0 a multiple of NR) of C over k in [k0, k0 + kLength):
    /// for each KC block q in order, pack its rows of alpha·op(A) into this thread's buffer (it stays in L2), then run the
    /// macro-kernel against packed B block q, which starts at packedB + q·blockStride (its panel for column j0 at
    /// + j0·kc). On the first pass over k (<paramref name="first"/>) beta is applied; afterwards C accumulates. With
    /// <paramref name="packing"/>, the first macro-kernel waits until that pass's B packing tasks have all finished.
    /// </summary>
    private static void Tile(bool transA, float alpha, float* a, int lda, int i0, int mc, int k0, int kLength,
        float* packedB, nint blockStride, int j0, int nc, float beta, bool first, float* c, int ldc, Pass? packing)
    {
        float* packA = Workspace(ref t_packA, RoundUp(mc, GemmMicroKernel.MR) * KC);
        float* cTile = c + (nint)i0 * ldc + j0;
        if (first && beta != 0f && beta != 1f)
        {
            ScaleC(cTile, ldc, 0, mc, 0, nc, beta);
            beta = 1f;
        }
        for (int q = 0, p0 = k0; p0 < k0 + kLength; q++, p0 += KC)
        {
            int kc = Math.Min(KC, k0 + kLength - p0);
            GemmPacking.PackA(a, lda, transA, i0, mc, p0, kc, alpha, packA);
            if (q == 0 && packing is not null && Volatile.Read(ref packing.Packed) < packing.PackTasks)
            {
                var spin = new SpinWait();
                while (Volatile.Read(ref packing.Packed) < packing.PackTasks) spin.SpinOnce(sleep1Threshold: -1);
            }
            bool accumulate = !first || q > 0 || beta != 0f; // the first block overwrites when beta = 0
            Macro(kc, mc, nc, packA, packedB + q * blockStride + (nint)j0 * kc, cTile, ldc, accumulate);
        }
    }

    /// <summary>The macro-kernel: an mc×nc block of C from a packed A block and a packed B block.</summary>
    private static void Macro(int kc, int mc, int nc, float* packA, float* packB, float* c, int ldc, bool accumulate)
    {
        const int MR = GemmMicroKernel.MR, NR = GemmMicroKernel.NR;
        for (int jr = 0; jr < nc; jr += NR)
        {
            int cols = Math.Min(NR, nc - jr);
            float* bp = packB + (nint)jr * kc;
            int ir = 0;
            if (cols == NR)
                for (; ir + MR <= mc; ir += MR)
                    GemmMicroKernel.Full(kc, packA + (nint)ir * kc, bp, c + (nint)ir * ldc + jr, ldc, accumulate);
            for (; ir < mc; ir += MR)
                GemmMicroKernel.Edge(kc, packA + (nint)ir * kc, bp, c + (nint)ir * ldc + jr, ldc, Math.Min(MR, mc - ir), cols, accumulate);
        }
    }

    /// <summary>C[i0..i1, j0..j1] ← beta·C (beta = 0 writes zeros, discarding NaNs).</summary>
    internal static void ScaleC(float* c, int ldc, int i0, int i1, int j0, int j1, float beta)
    {
        if (beta == 1f) return;
        for (int i = i0; i < i1; i++)
        {
            var row = new Span<float>(c + (nint)i * ldc + j0, j1 - j0);
            if (beta == 0f) row.Clear();
            else System.Numerics.Tensors.TensorPrimitives.Multiply(row, beta, row);
        }
    }

    /// <summary>x rounded up to a multiple of <paramref name="multiple"/>.</summary>
    internal static int RoundUp(int x, int multiple) => (x + multiple - 1) / multiple * multiple;

    /// <summary>A 64-byte-aligned pointer to at least <paramref name="floats"/> floats of this thread's pinned buffer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float* Workspace(ref float[]? buffer, int floats)
    {
        if (buffer is null || buffer.Length < floats + 16)
            buffer = GC.AllocateUninitializedArray<float>(floats + 16, pinned: true);
        nint p = (nint)Unsafe.AsPointer(ref buffer[0]);
        return (float*)((p + 63) & ~(nint)63);
    }
}
