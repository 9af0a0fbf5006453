using Rebel.Tensors.Kernels;

namespace Rebel.Tensors.Tests.Kernels;

[TestFixture]
public class GemmManagedTests
{
    // Shapes around the register tile (6×16), the cache blocks (MC = 120, KC = 256) and degenerate ones.
    private static readonly (int M, int N, int K)[] s_shapes =
    [
        (1, 1, 1), (1, 17, 3), (5, 1, 9), (6, 16, 1), (7, 15, 2), (13, 33, 17), (31, 47, 63),
        (121, 18, 5), (12, 40, 257), (67, 35, 300), (2, 3, 0),
    ];

    private static IEnumerable<TestCaseData> Cases()
    {
        foreach (var (m, n, k) in s_shapes)
            foreach (bool ta in new[] { false, true })
                foreach (bool tb in new[] { false, true })
                    yield return new TestCaseData(ta, tb, m, n, k).SetName($"Sgemm_Managed_{(ta ? 'T' : 'N')}{(tb ? 'T' : 'N')}_{m}x{n}x{k}");
    }

    [TestCaseSource(nameof(Cases))]
    public void Sgemm_Managed_MatchesDoubleReference(bool transA, bool transB, int m, int n, int k)
    {
        var problem = new GemmReference(transA, transB, m, n, k, alpha: 1f, beta: 0f, pad: 3, seed: m * 131 + n * 7 + k);
        problem.AssertMatches(problem.Run(GemmBackend.Managed, threads: 1), "managed");
    }

    [TestCase(0.5f, 1f)]
    [TestCase(-1.25f, 0.75f)]
    [TestCase(2f, -1f)]
    public void Sgemm_Managed_AppliesAlphaAndBeta(float alpha, float beta)
    {
        foreach (bool ta in new[] { false, true })
            foreach (bool tb in new[] { false, true })
            {
                var problem = new GemmReference(ta, tb, 23, 29, 270, alpha, beta, pad: 2);
                problem.AssertMatches(problem.Run(GemmBackend.Managed, threads: 1), $"alpha={alpha} beta={beta}");
            }
    }

    [TestCase(131, 97, 150)]  // rows split across threads
    [TestCase(37, 301, 140)]  // columns split across threads
    [TestCase(100, 130, 90)]
    public void Sgemm_Managed_MultiThreadedMatchesReference(int m, int n, int k)
    {
        foreach (bool ta in new[] { false, true })
            foreach (bool tb in new[] { false, true })
            {
                var problem = new GemmReference(ta, tb, m, n, k, 1f, 0.5f, pad: 1);
                problem.AssertMatches(problem.Run(GemmBackend.Managed, threads: 2), "2 threads");
            }
    }

    [Test]
    public void Sgemm_Managed_MultiThreadedInSeveralPassesOverK()
    {
        int saved = GemmManaged.SharedPackFloats;
        try
        {
            GemmManaged.SharedPackFloats = 1; // one KC block per pass
            foreach (var (beta, ta) in new[] { (0f, false), (1f, true), (-0.5f, false) })
            {
                var problem = new GemmReference(ta, !ta, 40, 50, 2 * GemmManaged.KC + 40, 1.5f, beta, pad: 1);
                problem.AssertMatches(problem.Run(GemmBackend.Managed, threads: 2), $"passes, beta={beta}");
            }
        }
        finally
        {
            GemmManaged.SharedPackFloats = saved;
        }
    }

    [Test]
    public void SgemmSingleThreaded_MatchesDoubleReference_AndChecksArguments()
    {
        foreach (bool ta in new[] { false, true })
            foreach (bool tb in new[] { false, true })
            {
                var p = new GemmReference(ta, tb, 81, 70, 64, alpha: 0.5f, beta: 0.25f, pad: 2, seed: 5);
                var c = (float[])p.C0.Clone();
                Gemm.SgemmSingleThreaded(ta, tb, p.M, p.N, p.K, p.Alpha, p.A, p.Lda, p.B, p.Ldb, p.Beta, c, p.Ldc);
                p.AssertMatches(c, $"single-threaded {ta}/{tb}");
            }
        Assert.Throws<ArgumentException>(() => Gemm.SgemmSingleThreaded(false, false, 4, 4, 4, 1f, new float[15], 4, new float[16], 4, 0f, new float[16], 4));
    }

    [Test]
    public void Sgemm_Managed_WideMatrixCrossesColumnBlock()
    {
        var problem = new GemmReference(false, true, 3, GemmManaged.NC + 21, 5, 1f, 0f);
        problem.AssertMatches(problem.Run(GemmBackend.Managed, threads: 1), "wide");
    }

    [Test]
    public void Sgemm_PortableKernel_MatchesDoubleReference()
    {
        bool saved = GemmMicroKernel.UseFma;
        try
        {
            GemmMicroKernel.UseFma = false;
            foreach (var (m, n, k) in new[] { (7, 17, 5), (12, 32, 260), (1, 1, 1) })
            {
                var problem = new GemmReference(true, false, m, n, k, 1.5f, 0.5f, pad: 2);
                problem.AssertMatches(problem.Run(GemmBackend.Managed, threads: 1), "portable");
            }
        }
        finally
        {
            GemmMicroKernel.UseFma = saved;
        }
    }

    [Test]
    public void SgemmStrided_MatchesOneCallPerItem()
    {
        const int batch = 5, m = 9, n = 14, k = 11;
        var rng = new Random(3);
        float[] a = Fill(rng, batch * m * k), b = Fill(rng, k * n), c = Fill(rng, batch * m * n);
        var expected = (float[])c.Clone();
        for (int t = 0; t < batch; t++)
            Gemm.Sgemm(false, false, m, n, k, 1f, a.AsSpan(t * m * k), k, b, n, 0.25f, expected.AsSpan(t * m * n), n);
        Gemm.SgemmStrided(false, false, m, n, k, 1f, a, k, b, n, 0.25f, c, n, batch, m * k, strideB: 0, m * n);
        Assert.That(c, Is.EqualTo(expected).Within(1e-5f));
    }

    [Test]
    public void SgemmStrided_TransposedOperandsMatchReference()
    {
        const int batch = 3, m = 17, n = 19, k = 23;
        var items = Enumerable.Range(0, batch).Select(t => new GemmReference(true, true, m, n, k, 1f, 0f, seed: 10 + t)).ToArray();
        var a = items.SelectMany(p => p.A).ToArray();
        var b = items.SelectMany(p => p.B).ToArray();
        var c = new float[batch * m * n];
        Gemm.SgemmStrided(true, true, m, n, k, 1f, a, m, b, k, 0f, c, n, batch, m * k, n * k, m * n);
        for (int t = 0; t < batch; t++) items[t].AssertMatches(c[(t * m * n)..((t + 1) * m * n)], $"item {t}");
    }

    [Test]
    public void Sgemm_NegativeDimension_Throws()
    {
        var x = new float[4];
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Sgemm(false, false, -1, 2, 2, 1f, x, 2, x, 2, 0f, new float[4], 2));
    }

    [Test]
    public void Sgemm_LeadingDimensionTooSmall_ThrowsNamingIt()
    {
        var x = new float[64];
        var e = Assert.Throws<ArgumentException>(() => Gemm.Sgemm(true, false, 4, 4, 3, 1f, x, 3, x, 4, 0f, new float[16], 4));
        Assert.That(e!.Message, Does.Contain("lda = 3").And.Contain("3×4"));
    }

    [Test]
    public void Sgemm_SpanTooShort_ThrowsWithSizes()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            Gemm.Sgemm(false, false, 3, 4, 5, 1f, new float[15], 5, new float[19], 4, 0f, new float[12], 4));
        Assert.That(e!.Message, Does.Contain("operand B").And.Contain("needs 20").And.Contain("got 19"));
    }

    [Test]
    public void SgemmStrided_OverlappingC_Throws()
    {
        var x = new float[100];
        var e = Assert.Throws<ArgumentException>(() =>
            Gemm.SgemmStrided(false, false, 2, 2, 2, 1f, x, 2, x, 2, 0f, x, 2, batch: 3, 4, 4, strideC: 3));
        Assert.That(e!.Message, Does.Contain("overlap"));
    }

    [Test]
    public void SgemmStrided_BatchPastSpan_Throws()
    {
        Assert.Throws<ArgumentException>(() =>
            Gemm.SgemmStrided(false, false, 2, 2, 2, 1f, new float[12], 2, new float[4], 2, 0f, new float[16], 2, 4, 4, 0, 4));
    }

    [Test]
    public void Threads_BelowOne_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Threads = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Backend = (GemmBackend)42);
    }

    private static float[] Fill(Random rng, int count) => Enumerable.Range(0, count).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
}
