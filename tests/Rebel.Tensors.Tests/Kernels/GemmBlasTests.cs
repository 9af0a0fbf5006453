using Rebel.Tensors.Kernels;

namespace Rebel.Tensors.Tests.Kernels;

[TestFixture]
public class GemmBlasTests
{
    [SetUp]
    public void RequireOpenBlas()
    {
        if (!Gemm.IsBlasAvailable) Assert.Ignore("libopenblas (cblas_sgemm) is not installed on this machine; the BLAS path cannot run.");
    }

    private static IEnumerable<TestCaseData> Cases()
    {
        foreach (var (m, n, k) in new[] { (1, 1, 1), (7, 15, 2), (13, 33, 17), (67, 35, 300), (130, 100, 90) })
            foreach (bool ta in new[] { false, true })
                foreach (bool tb in new[] { false, true })
                    yield return new TestCaseData(ta, tb, m, n, k).SetName($"Sgemm_Blas_{(ta ? 'T' : 'N')}{(tb ? 'T' : 'N')}_{m}x{n}x{k}");
    }

    [TestCaseSource(nameof(Cases))]
    public void Sgemm_Blas_MatchesDoubleReferenceAndManaged(bool transA, bool transB, int m, int n, int k)
    {
        var problem = new GemmReference(transA, transB, m, n, k, alpha: 0.75f, beta: -0.5f, pad: 2, seed: m + n + k);
        var blas = problem.Run(GemmBackend.Blas, threads: 2);
        problem.AssertMatches(blas, "blas");
        var managed = problem.Run(GemmBackend.Managed, threads: 2);
        for (int i = 0; i < blas.Length; i++)
        {
            float tolerance = 1e-5f * (1 + k) * (1 + Math.Abs(blas[i]));
            Assert.That(managed[i], Is.EqualTo(blas[i]).Within(tolerance), $"managed vs BLAS at {i}");
        }
    }

    [Test]
    public void Sgemm_Blas_BetaZeroOverwritesNaN()
    {
        var problem = new GemmReference(false, true, 5, 6, 7, 1f, 0f);
        Array.Fill(problem.C0, float.NaN);
        problem.AssertMatches(problem.Run(GemmBackend.Blas, threads: 1), "blas beta=0");
    }

    [Test]
    public void Backend_Blas_RunsThroughPublicEntryPoint()
    {
        var saved = Gemm.Backend;
        try
        {
            Gemm.Backend = GemmBackend.Blas;
            Assert.That(Gemm.EffectiveBackend, Is.EqualTo(GemmBackend.Blas));
            var problem = new GemmReference(true, false, 40, 30, 20, 1f, 0f);
            var c = (float[])problem.C0.Clone();
            Gemm.Sgemm(true, false, 40, 30, 20, 1f, problem.A, problem.Lda, problem.B, problem.Ldb, 0f, c, problem.Ldc);
            problem.AssertMatches(c, "public blas");
        }
        finally
        {
            Gemm.Backend = saved;
        }
    }
}
