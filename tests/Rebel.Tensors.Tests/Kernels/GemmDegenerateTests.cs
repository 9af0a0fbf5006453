using Rebel.Tensors.Kernels;

namespace Rebel.Tensors.Tests.Kernels;

/// <summary>
/// The documented degenerate cases (beta = 0, alpha = 0, k = 0), on each backend named explicitly, never through the
/// process-wide default, so the result does not depend on which libraries the machine has.
/// </summary>
[TestFixture(GemmBackend.Managed)]
[TestFixture(GemmBackend.Blas)]
public unsafe class GemmDegenerateTests(GemmBackend backend)
{
    [SetUp]
    public void RequireBackend()
    {
        if (backend == GemmBackend.Blas && !Gemm.IsBlasAvailable)
            Assert.Ignore("libopenblas (cblas_sgemm) is not installed on this machine; the BLAS backend cannot run.");
    }

    [Test]
    public void Sgemm_BetaZero_OverwritesNaN()
    {
        float[] a = [1, 2, 3, 4], b = [1, 0, 0, 1], c = [float.NaN, float.NaN, float.NaN, float.NaN];
        Run(false, false, 2, 2, 2, 1f, a, 2, b, 2, 0f, c, 2);
        Assert.That(c, Is.EqualTo(new float[] { 1, 2, 3, 4 }));
    }

    [Test]
    public void Sgemm_AlphaZero_ScalesCWithoutReadingA()
    {
        float[] a = [float.NaN, float.NaN], b = [1, 1], c = [2, 4];
        Run(false, false, 2, 1, 1, 0f, a, 1, b, 1, 0.5f, c, 1);
        Assert.That(c, Is.EqualTo(new float[] { 1, 2 }));
    }

    [Test]
    public void Sgemm_AlphaZeroBetaZero_WritesZerosOverNaN()
    {
        float[] a = [float.NaN, 1], b = [float.PositiveInfinity, 1], c = [float.NaN, 7];
        Run(false, false, 2, 1, 1, 0f, a, 1, b, 1, 0f, c, 1);
        Assert.That(c, Is.EqualTo(new float[] { 0, 0 }));
    }

    [Test]
    public void Sgemm_KZero_ScalesC()
    {
        float[] c = [2, -4, 6, float.NaN];
        Run(true, true, 2, 2, 0, 1f, [], 2, [], 1, 0.5f, c, 2);
        Assert.That(c.Take(3), Is.EqualTo(new float[] { 1, -2, 3 }));
        Assert.That(float.IsNaN(c[3]), "0.5·NaN stays NaN: beta ≠ 0 keeps C's values");

        float[] zeroed = [float.NaN, 1, 2, 3];
        Run(false, false, 2, 2, 0, 1f, [], 1, [], 2, 0f, zeroed, 2);
        Assert.That(zeroed, Is.EqualTo(new float[] { 0, 0, 0, 0 }));
    }

    [Test]
    public void SgemmStrided_AlphaZero_ScalesEveryItem()
    {
        float[] a = [float.NaN, float.NaN, float.NaN, float.NaN], b = [1, 1], c = [2, 4, 6, 8];
        fixed (float* pa = a, pb = b, pc = c)
            Gemm.RunStrided(backend, 1, false, false, 2, 1, 1, 0f, pa, 1, pb, 1, 0.5f, pc, 1,
                batch: 2, strideA: 2, strideB: 0, strideC: 2);
        Assert.That(c, Is.EqualTo(new float[] { 1, 2, 3, 4 }));
    }

    private void Run(bool transA, bool transB, int m, int n, int k, float alpha,
        float[] a, int lda, float[] b, int ldb, float beta, float[] c, int ldc)
    {
        fixed (float* pa = a, pb = b, pc = c)
            Gemm.Run(backend, 1, transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
    }
}
