using Rebel.Tensors;

namespace Rebel.Tensors.Tests;

/// <summary>Batched <see cref="Tensor.MatMul"/> forward values against a double-precision loop, for each way the batch is laid out.</summary>
public class MatMulBatchedTests
{
    private const int M = 7, K = 19, N = 13;

    [Test]
    public void MatMul_EqualBatches_MatchesReference()
    {
        var a = Random(1, 6, M, K);
        var b = Random(2, 6, K, N);
        AssertMatches(Tensor.MatMul(a, b), a, b, batch: 6, shareA: false, shareB: false);
    }

    [Test]
    public void MatMul_TransposedViewsWithSharedB_MatchesReference()
    {
        var a = Random(3, 5, K, M).Transpose(-1, -2);   // [5, M, K], read transposed in place
        var b = Random(4, 1, N, K).Transpose(-1, -2);   // [1, K, N], one matrix for every batch entry
        AssertMatches(Tensor.MatMul(a, b), a, b, batch: 5, shareA: false, shareB: true);
    }

    [Test]
    public void MatMul_SeveralBatchAxesInOrder_MatchesReference()
    {
        var a = Random(5, 2, 3, M, K);
        var b = Random(6, 2, 3, K, N);
        var c = Tensor.MatMul(a, b);
        Assert.That(c.Dims, Is.EqualTo(new[] { 2, 3, M, N }));
        AssertMatches(c.Reshape(6, M, N), a.Reshape(6, M, K), b.Reshape(6, K, N), batch: 6, shareA: false, shareB: false);
    }

    [Test]
    public void MatMul_PermutedBatchAxes_MatchesReference()
    {
        // [2, 3, M, K] with its batch axes swapped: offsets are not one fixed step apart, so entries run one by one.
        var a = Random(7, 3, 2, M, K).Permute(1, 0, 2, 3);
        var b = Random(8, 2, 3, K, N);
        var c = Tensor.MatMul(a, b);
        AssertMatches(c.Reshape(6, M, N), a.Contiguous().Reshape(6, M, K), b.Reshape(6, K, N), batch: 6, shareA: false, shareB: false);
    }

    [Test]
    public void MatMul_BatchMismatch_ThrowsWithBothShapes()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.MatMul(Tensor.Zeros(3, 2, 4), Tensor.Zeros(2, 4, 5)))!;
        Assert.That(e.Message, Does.Contain("[3").And.Contain("[2"));
    }

    private static Tensor Random(int seed, params int[] shape) => Tensor.Normal(new Rng((ulong)seed), 1f, shape);

    private static void AssertMatches(Tensor c, Tensor a, Tensor b, int batch, bool shareA, bool shareB)
    {
        float[] av = a.Contiguous().ToArray(), bv = b.Contiguous().ToArray(), cv = c.ToArray();
        Assert.That(cv, Has.Length.EqualTo(batch * M * N));
        for (int t = 0; t < batch; t++)
            for (int i = 0; i < M; i++)
                for (int j = 0; j < N; j++)
                {
                    double sum = 0, magnitude = 0;
                    for (int p = 0; p < K; p++)
                    {
                        double x = av[(shareA ? 0 : t) * M * K + i * K + p] * (double)bv[(shareB ? 0 : t) * K * N + p * N + j];
                        sum += x;
                        magnitude += Math.Abs(x);
                    }
                    Assert.That(cv[t * M * N + i * N + j], Is.EqualTo(sum).Within(1e-6 * (K + 4) * magnitude + 1e-30),
                        $"C[{t}, {i}, {j}]");
                }
    }
}
