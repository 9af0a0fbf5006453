namespace Rebel.Tensors.Kernels;

internal static unsafe partial class GemmManaged
{
    /// <summary>Packed floats one multi-threaded pass may hold (16 MiB: both packed operands stay within the L3); tests lower it.</summary>
    internal static int SharedPackFloats = 4 << 20;

    [ThreadStatic] private static float[]? t_sharedA;
    [ThreadStatic] private static float[]? t_sharedB;

    /// <summary>
    /// Multi-threaded driver. The k dimension is cut into passes of whole KC blocks; in each pass the threads first
    /// pack all of alpha·op(A) and op(B) for that pass into shared buffers (one task per row block of A and per
    /// column block of B and KC block), then compute a grid of (row block × column block) tiles of C, handed out
    /// dynamically so that a thread that falls behind (a busy machine) is helped by the others. Two fork/joins
    /// per pass; for the model's shapes one pass covers all of k.
    /// </summary>
    private static void SgemmParallel(bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc, int threads)
    {
        const int MR = GemmMicroKernel.MR, NR = GemmMicroKernel.NR;
        int mp = RoundUp(m, MR), np = RoundUp(n, NR);

        // Row blocks of at most MC rows, of even size; then enough column blocks for ~4 tiles per thread.
        int rowBlocks = (m + MC - 1) / MC;
        int mcp = RoundUp((m + rowBlocks - 1) / rowBlocks, MR);
        rowBlocks = (m + mcp - 1) / mcp;
        int colBlocks = Math.Clamp((4 * threads + rowBlocks - 1) / rowBlocks, 1, np / NR);
        int ncp = RoundUp((n + colBlocks - 1) / colBlocks, NR);
        colBlocks = (n + ncp - 1) / ncp;

        int kcPerPass = Math.Max(KC, SharedPackFloats / (mp + np) / KC * KC);
        int blocksPerPass = kcPerPass / KC;
        float* packA = Workspace(ref t_sharedA, mp * Math.Min(kcPerPass, RoundUp(k, KC)));
        float* packB = Workspace(ref t_sharedB, np * Math.Min(kcPerPass, RoundUp(k, KC)));
        nint pa = (nint)a, pb = (nint)b, pc = (nint)c, ppa = (nint)packA, ppb = (nint)packB;
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads };

        for (int k0 = 0; k0 < k; k0 += kcPerPass)
        {
            int kPass = Math.Min(kcPerPass, k - k0);
            int blocks = (kPass + KC - 1) / KC;
            bool first = k0 == 0;

            // Phase 1: pack. Block q of the pass covers k0 + q·KC; its A panels start at q·mp·KC, its B panels at q·np·KC.
            int packTasks = blocks * (rowBlocks + colBlocks);
            System.Threading.Tasks.Parallel.For(0, packTasks, options, task =>
            {
                int q = task / (rowBlocks + colBlocks), r = task % (rowBlocks + colBlocks);
                int p0 = k0 + q * KC, kc = Math.Min(KC, k - p0);
                if (r < rowBlocks)
                {
                    int i0 = r * mcp, mc = Math.Min(mcp, m - i0);
                    GemmPacking.PackA((float*)pa, lda, transA, i0, mc, p0, kc, alpha, (float*)ppa + (nint)q * mp * KC + (nint)i0 * kc);
                }
                else
                {
                    int j0 = (r - rowBlocks) * ncp, nc = Math.Min(ncp, n - j0);
                    GemmPacking.PackB((float*)pb, ldb, transB, p0, kc, j0, nc, (float*)ppb + (nint)q * np * KC + (nint)j0 * kc);
                }
            });

            // Phase 2: compute tiles of C from the packed blocks.
            System.Threading.Tasks.Parallel.For(0, rowBlocks * colBlocks, options, tile =>
            {
                int i0 = tile / colBlocks * mcp, j0 = tile % colBlocks * ncp;
                int mc = Math.Min(mcp, m - i0), nc = Math.Min(ncp, n - j0);
                float* cTile = (float*)pc + (nint)i0 * ldc + j0;
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
                    Macro(kc, mc, nc, (float*)ppa + (nint)q * mp * KC + (nint)i0 * kc,
                        (float*)ppb + (nint)q * np * KC + (nint)j0 * kc, cTile, ldc, accumulate);
                }
            });
        }
    }
}
