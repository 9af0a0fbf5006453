namespace Rebel.Tensors.Kernels;

internal static unsafe partial class GemmManaged
{
    /// <summary>Packed floats one multi-threaded pass may hold (16 MiB: both packed operands stay within the L3); tests lower it.</summary>
    internal static int SharedPackFloats = 4 << 20;

    [ThreadStatic] private static float[]? t_sharedA;
    [ThreadStatic] private static float[]? t_sharedB;

    /// <summary>
    /// Multi-threaded driver. The k dimension is cut into passes of whole KC blocks. Each pass is one fork/join: the
    /// workers take tasks from one shared counter, first the packing tasks (alpha·op(A) per row block and op(B) per
    /// column block, per KC block, into shared buffers), then the tiles of a (row block × column block) grid of C. A
    /// worker that takes a tile first waits until every packing task of the pass has finished; since those were all
    /// handed out before any tile, each is already running on a live worker, so the wait always ends (with one
    /// worker, it packed them itself). Tasks are handed out dynamically, so a thread that falls behind (a busy
    /// machine) is helped by the others. For the model's shapes one pass covers all of k.
    /// </summary>
    /// <remarks>
    /// Every element of C sums its k-blocks in the same order as the single-threaded driver, so results do not
    /// depend on the number of threads or on the grid.
    /// </remarks>
    private static void SgemmParallel(bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc, int threads)
    {
        const int MR = GemmMicroKernel.MR, NR = GemmMicroKernel.NR;
        int mp = RoundUp(m, MR), np = RoundUp(n, NR);
        var grid = TileGrid.For(m, n, threads);

        int kcPerPass = Math.Max(KC, SharedPackFloats / (mp + np) / KC * KC);
        float* packA = Workspace(ref t_sharedA, mp * Math.Min(kcPerPass, RoundUp(k, KC)));
        float* packB = Workspace(ref t_sharedB, np * Math.Min(kcPerPass, RoundUp(k, KC)));
        nint pa = (nint)a, pb = (nint)b, pc = (nint)c, ppa = (nint)packA, ppb = (nint)packB;
        int workers = Math.Min(threads, grid.Tiles);
        var options = new ParallelOptions { MaxDegreeOfParallelism = workers };

        for (int k0 = 0; k0 < k; k0 += kcPerPass)
        {
            int kPass = Math.Min(kcPerPass, k - k0);
            int blocks = (kPass + KC - 1) / KC;
            bool first = k0 == 0;
            int packTasks = blocks * (grid.RowBlocks + grid.ColBlocks);
            int tasks = packTasks + grid.Tiles;
            var pass = new PassCounters();

            System.Threading.Tasks.Parallel.For(0, workers, options, _ =>
            {
                for (int task; (task = Interlocked.Increment(ref pass.Next) - 1) < tasks;)
                {
                    if (task < packTasks)
                    {
                        // Block q of the pass covers k0 + q·KC; its A panels start at q·mp·KC, its B panels at q·np·KC.
                        int q = task / (grid.RowBlocks + grid.ColBlocks), r = task % (grid.RowBlocks + grid.ColBlocks);
                        int p0 = k0 + q * KC, kc = Math.Min(KC, k - p0);
                        if (r < grid.RowBlocks)
                        {
                            int i0 = r * grid.RowsPerBlock, mc = Math.Min(grid.RowsPerBlock, m - i0);
                            GemmPacking.PackA((float*)pa, lda, transA, i0, mc, p0, kc, alpha, (float*)ppa + (nint)q * mp * KC + (nint)i0 * kc);
                        }
                        else
                        {
                            int j0 = (r - grid.RowBlocks) * grid.ColsPerBlock, nc = Math.Min(grid.ColsPerBlock, n - j0);
                            GemmPacking.PackB((float*)pb, ldb, transB, p0, kc, j0, nc, (float*)ppb + (nint)q * np * KC + (nint)j0 * kc);
                        }
                        Interlocked.Increment(ref pass.Packed);
                        continue;
                    }
                    if (Volatile.Read(ref pass.Packed) < packTasks)
                    {
                        var spin = new SpinWait();
                        while (Volatile.Read(ref pass.Packed) < packTasks) spin.SpinOnce();
                    }
                    ComputeTile(task - packTasks, grid, m, n, kPass, blocks, first, beta, (float*)ppa, mp, (float*)ppb, np, (float*)pc, ldc);
                }
            });
        }
    }

    /// <summary>One tile of C from the pass's packed blocks: all its k-blocks in order.</summary>
    private static void ComputeTile(int tile, TileGrid grid, int m, int n, int kPass, int blocks, bool first, float beta,
        float* packA, int mp, float* packB, int np, float* c, int ldc)
    {
        int i0 = tile / grid.ColBlocks * grid.RowsPerBlock, j0 = tile % grid.ColBlocks * grid.ColsPerBlock;
        int mc = Math.Min(grid.RowsPerBlock, m - i0), nc = Math.Min(grid.ColsPerBlock, n - j0);
        float* cTile = c + (nint)i0 * ldc + j0;
        float tileBeta = beta;
        if (first && beta != 0f && beta != 1f)
        {
            ScaleC(cTile, ldc, 0, mc, 0, nc, beta);
            tileBeta = 1f;
        }
        for (int q = 0; q < blocks; q++)
        {
            int kc = Math.Min(KC, kPass - q * KC);
            bool accumulate = !first || q > 0 || tileBeta != 0f; // the first block overwrites when beta = 0
            Macro(kc, mc, nc, packA + (nint)q * mp * KC + (nint)i0 * kc, packB + (nint)q * np * KC + (nint)j0 * kc,
                cTile, ldc, accumulate);
        }
    }

    /// <summary>Task counters of one pass, each on its own cache line (both are written by every worker).</summary>
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Explicit, Size = 192)]
    private sealed class PassCounters
    {
        /// <summary>The next task to hand out.</summary>
        [System.Runtime.InteropServices.FieldOffset(64)] public int Next;

        /// <summary>Packing tasks finished.</summary>
        [System.Runtime.InteropServices.FieldOffset(128)] public int Packed;
    }
}
