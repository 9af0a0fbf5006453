using Rebel.Tensors.Kernels;

namespace Rebel.Tensors.Tests.Kernels;

/// <summary>Products with a pre-packed right operand (<see cref="PackedMatrix"/>): the same bits as the managed driver.</summary>
[TestFixture]
public unsafe class GemmPackedTests
{
    // Decode shapes (16 rows against a d = 256 model's weights), several KC blocks, m past one MC block, ragged n.
    [TestCase(false, false, 16, 768, 256, 0f, 1)]
    [TestCase(false, false, 16, 256, 1024, 1f, 1)]
    [TestCase(false, true, 16, 512, 256, 0f, 1)]
    [TestCase(true, false, 7, 33, 300, 0.5f, 1)]
    [TestCase(false, true, 250, 131, 600, 0.5f, 2)]
    [TestCase(true, true, 130, 97, 257, 0f, 3)]
    [TestCase(false, false, 1, 5, 1, 1f, 2)]
    public void SgemmPacked_EqualsTheManagedDriverBitForBit(bool ta, bool tb, int m, int n, int k, float beta, int threads)
    {
        var problem = new GemmReference(ta, tb, m, n, k, alpha: 0.75f, beta, pad: 3, seed: m * 7 + n + k);
        var expected = problem.Run(GemmBackend.Managed, threads: 1);
        var packed = new PackedMatrix(problem.B, problem.Ldb, tb, k, n);
        var c = (float[])problem.C0.Clone();
        fixed (float* pa = problem.A, pc = c)
            GemmManaged.SgemmPacked(ta, m, problem.Alpha, pa, problem.Lda, packed, beta, pc, problem.Ldc, threads);
        Assert.That(c, Is.EqualTo(expected), "same packing and k-block order as Sgemm, so the same bits");
        problem.AssertMatches(c, $"packed, {threads} threads");
    }

    [Test]
    public void PackedMatrix_IsASnapshot_AndReusable()
    {
        var problem = new GemmReference(false, false, 4, 20, 9, alpha: 1f, beta: 0f, seed: 3);
        var packed = new PackedMatrix(problem.B, problem.Ldb, false, 9, 20);
        var before = (float[])problem.B.Clone();
        Array.Fill(problem.B, float.NaN); // later writes to B are not seen
        var c1 = new float[4 * 20];
        var c2 = new float[4 * 20];
        Gemm.SgemmPacked(false, 4, 1f, problem.A, problem.Lda, packed, 0f, c1, 20);
        Gemm.SgemmPacked(false, 4, 1f, problem.A, problem.Lda, packed, 0f, c2, 20);
        before.CopyTo(problem.B, 0);
        Assert.That(c1, Is.EqualTo(c2));
        problem.AssertMatches(c1, "snapshot");
    }

    [Test]
    public void BadOperands_ThrowWithSizes()
    {
        var packed = new PackedMatrix(new float[6 * 10], 10, false, 6, 10);
        var e = Assert.Throws<ArgumentException>(() => Gemm.SgemmPacked(false, 3, 1f, new float[17], 6, packed, 0f, new float[30], 10));
        Assert.That(e!.Message, Does.Contain("needs 18 elements, got 17"));
        Assert.Throws<ArgumentException>(() => _ = new PackedMatrix(new float[59], 10, false, 6, 10));
        Assert.Throws<ArgumentException>(() => Gemm.SgemmPacked(false, 3, 1f, new float[18], 6, packed, 0f, new float[29], 10));
    }

    [Test]
    public void SgemmPacked_WeightAsTransposedOperand_GivesTheSameBitsAsManagedSgemm()
    {
        // As the decoders use it: y [N, out] = x [N, in]·Wᵀ with W [out, in] packed once, through the public API only.
        const int rows = 3, inputs = 70, outputs = 45;
        var x = new float[rows * inputs];
        var w = new float[outputs * inputs];
        new Rng(11).FillNormal(x);
        new Rng(12).FillNormal(w);
        var packed = new PackedMatrix(w, inputs, transB: true, inputs, outputs);
        Assert.That((packed.Rows, packed.Columns), Is.EqualTo((inputs, outputs)));
        var expected = new float[rows * outputs];
        using (Gemm.Use(backend: GemmBackend.Managed))
            Gemm.Sgemm(false, true, rows, outputs, inputs, 1f, x, inputs, w, inputs, 0f, expected, outputs);
        var y = new float[rows * outputs];
        Gemm.SgemmPacked(false, rows, 1f, x, inputs, packed, 0f, y, outputs);
        Assert.That(y, Is.EqualTo(expected));
    }
}
