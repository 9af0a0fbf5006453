namespace Rebel.Tensors.Kernels;

/// <summary>
/// How the multi-threaded GEMM driver cuts C[m, n] into tiles: <see cref="RowBlocks"/> blocks of
/// <see cref="RowsPerBlock"/> rows (the last may be shorter) times <see cref="ColBlocks"/> blocks of
/// <see cref="ColsPerBlock"/> columns.
/// </summary>
/// <remarks>
/// <see cref="For"/> searches the grids whose row blocks fit the packed-A cache block (at most
/// <see cref="GemmManaged.MC"/> rows, whole MR panels) and whose column blocks are whole NR panels. Tiles are handed
/// out dynamically, so it estimates the finishing time as ⌈tiles / threads⌉ · rows · (cols + NR) per tile (each tile
/// packs its own rows of A, costing about one more NR-column panel) and keeps the grid that minimises it: equal tiles,
/// a count that is a multiple of the thread count, few column blocks. It asks for at least
/// <see cref="TilesPerThread"/> · threads tiles where the search reaches that many (else it takes the grid with the most
/// tiles), so that a thread that falls behind can be helped; among grids within 2% of the best estimate it takes the
/// fewest tiles.
/// </remarks>
internal readonly record struct TileGrid(int RowBlocks, int RowsPerBlock, int ColBlocks, int ColsPerBlock)
{
    /// <summary>Tiles asked for per thread, so that a thread that falls behind can be helped.</summary>
    public const int TilesPerThread = 4;

    /// <summary>Tiles in the grid.</summary>
    public int Tiles => RowBlocks * ColBlocks;

    /// <summary>The grid for C[m, n] on <paramref name="threads"/> threads (m, n ≥ 1).</summary>
    public static TileGrid For(int m, int n, int threads)
    {
        const int MR = GemmMicroKernel.MR, NR = GemmMicroKernel.NR;
        int rowPanels = (m + MR - 1) / MR, colPanels = (n + NR - 1) / NR;
        int minRowBlocks = (m + GemmManaged.MC - 1) / GemmManaged.MC;
        int maxRowBlocks = Math.Min(rowPanels, minRowBlocks + 3);
        int wanted = Math.Min(TilesPerThread * threads, maxRowBlocks * colPanels);

        TileGrid best = default, most = default; // most: the grid with the most tiles, if none reaches `wanted`
        double bestCost = double.PositiveInfinity;
        for (int rb = minRowBlocks; rb <= maxRowBlocks; rb++)
            for (int cb = 1; cb <= colPanels; cb++)
            {
                int rows = GemmManaged.RoundUp((m + rb - 1) / rb, MR);
                int cols = GemmManaged.RoundUp((n + cb - 1) / cb, NR);
                var grid = new TileGrid((m + rows - 1) / rows, rows, (n + cols - 1) / cols, cols);
                if (grid.Tiles > most.Tiles) most = grid;
                if (grid.Tiles < wanted) continue;
                double cost = (double)((grid.Tiles + threads - 1) / threads) * rows * (cols + NR); // + NR: the tile packs its rows of A
                bool clearlyBetter = cost < bestCost * 0.98;
                bool asGoodAndSmaller = cost <= bestCost * 1.02 && grid.Tiles < best.Tiles;
                if (clearlyBetter || asGoodAndSmaller)
                {
                    // Keep the reference cost the lowest seen, so near-ties cannot drift upward.
                    if (clearlyBetter || cost < bestCost) bestCost = cost;
                    best = grid;
                }
                if (grid.Tiles > 4 * wanted) break; // more columns only add tiles
            }
        return best.Tiles > 0 ? best : most;
    }
}
