using Rebel.Tensors.Kernels;

namespace Rebel.Tensors.Tests.Kernels;

/// <summary>The multi-threaded managed driver: its tile grid, and results equal to the single-threaded driver's.</summary>
[TestFixture]
public class GemmParallelTests
{
    [TestCase(256, 256, 2)]
    [TestCase(256, 768, 2)]
    [TestCase(2048, 768, 2)]
    [TestCase(1024, 256, 2)]
    [TestCase(37, 301, 2)]
    [TestCase(131, 97, 3)]
    [TestCase(30, 16, 2)]   // fewer register tiles than the wanted tile count
    [TestCase(1, 5000, 4)]
    [TestCase(500, 1, 2)]
    public void TileGrid_CoversCWithCacheSizedBlocks(int m, int n, int threads)
    {
        var g = TileGrid.For(m, n, threads);
        Assert.Multiple(() =>
        {
            Assert.That(g.RowsPerBlock % GemmMicroKernel.MR, Is.Zero, "rows per block in whole MR panels");
            Assert.That(g.ColsPerBlock % GemmMicroKernel.NR, Is.Zero, "columns per block in whole NR panels");
            Assert.That(g.RowsPerBlock, Is.LessThanOrEqualTo(GemmManaged.MC), "row block fits the packed-A cache block");
            Assert.That(g.RowBlocks * g.RowsPerBlock, Is.GreaterThanOrEqualTo(m), "rows covered");
            Assert.That((g.RowBlocks - 1) * g.RowsPerBlock, Is.LessThan(m), "no empty row block");
            Assert.That(g.ColBlocks * g.ColsPerBlock, Is.GreaterThanOrEqualTo(n), "columns covered");
            Assert.That((g.ColBlocks - 1) * g.ColsPerBlock, Is.LessThan(n), "no empty column block");
            Assert.That(g.Tiles, Is.GreaterThanOrEqualTo(Math.Min(threads, ((m + 5) / 6) * ((n + 15) / 16))), "work for every thread");
        });
    }

    [TestCase(256, 256)]
    [TestCase(256, 768)]
    [TestCase(2048, 256)]
    public void TileGrid_TwoThreads_EvenShareOfEqualTiles(int m, int n)
    {
        var g = TileGrid.For(m, n, threads: 2);
        double perThread = Math.Ceiling(g.Tiles / 2.0) * g.RowsPerBlock * g.ColsPerBlock;
        Assert.That(g.Tiles, Is.GreaterThanOrEqualTo(8), $"{g}");
        Assert.That(perThread / (m * (double)n / 2), Is.LessThanOrEqualTo(1.05), $"busiest thread's share of C for {g}");
    }

    // The square and weight-gradient shapes of the benchmark (k cut short to keep the test fast), odd sizes, 2–4 threads.
    [TestCase(false, false, 256, 256, 256, 2)]
    [TestCase(true, false, 256, 768, 300, 2)]
    [TestCase(true, false, 130, 200, 520, 3)]
    [TestCase(false, true, 97, 131, 150, 4)]
    [TestCase(true, true, 61, 333, 257, 2)]
    public void Sgemm_Managed_MultiThreadedEqualsSingleThreadedBitForBit(bool ta, bool tb, int m, int n, int k, int threads)
    {
        var problem = new GemmReference(ta, tb, m, n, k, alpha: 0.75f, beta: 0.5f, pad: 0, seed: m + n + k);
        var one = problem.Run(GemmBackend.Managed, threads: 1);
        var many = problem.Run(GemmBackend.Managed, threads);
        Assert.That(many, Is.EqualTo(one), "same k-block order per element, so the same bits");
        problem.AssertMatches(many, $"{threads} threads");
    }

    [Test]
    public void Sgemm_Managed_TransposedAWithTightRows_MatchesReference()
    {
        // lda = m and m a multiple of MR: the packing's wide loads of the last panel reach into the next stored row.
        foreach (int k in new[] { 1, 2, 9, 300 })
        {
            var problem = new GemmReference(true, false, 12, 20, k, alpha: -1.5f, beta: 0f, pad: 0, seed: k);
            problem.AssertMatches(problem.Run(GemmBackend.Managed, threads: 1), $"TN k={k}");
        }
    }
}
