using System.Runtime.InteropServices;

namespace Rebel.Tensors.Kernels;

internal static unsafe partial class GemmManaged
{
    /// <summary>Packed floats of op(B) one multi-threaded pass may hold (16 MiB, within the L3); tests lower it.</summary>
    internal static int SharedPackFloats = 4 << 20;

    [ThreadStatic] private static float[]? t_sharedB;

    /// <summary>
    /// Multi-threaded driver. The k dimension is cut into passes of whole KC blocks. Each pass is one fork/join on
    /// <see cref="GemmWorkers"/>: the workers take tasks from one shared counter, first the packing tasks (op(B) per column block and KC block,
    /// into a shared buffer), then the tiles of a (row block × column block) grid of C (<see cref="TileGrid"/>). A
    /// tile packs its own rows of alpha·op(A) one KC block at a time into the worker's private buffer, which stays in
    /// that core's L2 while the macro-kernel sweeps the shared B block, as in the single-threaded driver. Before its
    /// first macro-kernel a tile waits until every packing task of the pass has finished; those were all handed out
    /// before any tile, so each is already running on a live worker and the wait always ends (with one worker, it
    /// packed them itself). Tasks are handed out dynamically, so a thread that falls behind (a busy machine) is helped
    /// by the others. For the model's shapes one pass covers all of k.
    /// </summary>
    /// <remarks>
    /// Every element of C sums its k-blocks in the same order as the single-threaded driver, so results do not
    /// depend on the number of threads or on the grid.
    /// </remarks>
    private static void SgemmParallel(bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc, int threads)
    {
        int np = RoundUp(n, GemmMicroKernel.NR);
        var grid = TileGrid.For(m, n, threads);

        int kcPerPass = Math.Max(KC, SharedPackFloats / np / KC * KC);
        float* packB = Workspace(ref t_sharedB, np * Math.Min(kcPerPass, RoundUp(k, KC)));
        nint pa = (nint)a, pb = (nint)b, pc = (nint)c, ppb = (nint)packB;
        int workers = Math.Min(threads, grid.Tiles);

        for (int k0 = 0; k0 < k; k0 += kcPerPass)
        {
            var pass = new Pass
            {
                K0 = k0, KPass = Math.Min(kcPerPass, k - k0), First = k0 == 0, Grid = grid,
                PackTasks = (Math.Min(kcPerPass, k - k0) + KC - 1) / KC * grid.ColBlocks,
            };
            int tasks = pass.PackTasks + grid.Tiles;

            GemmWorkers.Run(workers, _ =>
            {
                for (int task; (task = Interlocked.Increment(ref pass.Next) - 1) < tasks;)
                {
                    if (task < pass.PackTasks)
                    {
                        // Block q of the pass covers k0 + q·KC; its panels start at q·np·KC.
                        int q = task / grid.ColBlocks, j0 = task % grid.ColBlocks * grid.ColsPerBlock;
                        int p0 = k0 + q * KC, kc = Math.Min(KC, k - p0), nc = Math.Min(grid.ColsPerBlock, n - j0);
                        GemmPacking.PackB((float*)pb, ldb, transB, p0, kc, j0, nc, (float*)ppb + (nint)q * np * KC + (nint)j0 * kc);
                        Interlocked.Increment(ref pass.Packed);
                    }
                    else ComputeTile(pass, task - pass.PackTasks, transA, m, n, alpha, (float*)pa, lda, (float*)ppb, np, beta, (float*)pc, ldc);
                }
            });
        }
    }

    /// <summary>One tile of the pass's grid (see <see cref="Tile"/>), after the pass's B packing has finished.</summary>
    private static void ComputeTile(Pass pass, int tile, bool transA, int m, int n, float alpha, float* a, int lda,
        float* packB, int np, float beta, float* c, int ldc)
    {
        var grid = pass.Grid;
        int i0 = tile / grid.ColBlocks * grid.RowsPerBlock, j0 = tile % grid.ColBlocks * grid.ColsPerBlock;
        Tile(transA, alpha, a, lda, i0, Math.Min(grid.RowsPerBlock, m - i0), pass.K0, pass.KPass, packB, np * KC,
            j0, Math.Min(grid.ColsPerBlock, n - j0), beta, pass.First, c, ldc, pass);
    }

    /// <summary>One pass over k: its extent, grid and task counters (each counter on its own cache line).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private sealed class Pass
    {
        [FieldOffset(0)] public int K0;
        [FieldOffset(4)] public int KPass;
        [FieldOffset(8)] public int PackTasks;
        [FieldOffset(12)] public bool First;
        [FieldOffset(16)] public TileGrid Grid;

        /// <summary>The next task to hand out.</summary>
        [FieldOffset(128)] public int Next;

        /// <summary>Packing tasks finished.</summary>
        [FieldOffset(192)] public int Packed;
    }
}
