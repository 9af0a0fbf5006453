using Rebel.Tensors.Kernels;

namespace Rebel.Tensors.Tests.Kernels;

/// <summary>One GEMM problem with random operands, a double-precision reference and an error bound per element.</summary>
internal sealed unsafe class GemmReference
{
    public GemmReference(bool transA, bool transB, int m, int n, int k, float alpha, float beta, int pad = 0, int seed = 1)
    {
        (TransA, TransB, M, N, K, Alpha, Beta) = (transA, transB, m, n, k, alpha, beta);
        Lda = (transA ? m : k) + pad;
        Ldb = (transB ? k : n) + pad;
        Ldc = n + pad;
        var rng = new Random(seed);
        A = Random(rng, (transA ? k : m) * Lda);
        B = Random(rng, (transB ? n : k) * Ldb);
        C0 = Random(rng, m * Ldc);
    }

    public bool TransA { get; }
    public bool TransB { get; }
    public int M { get; }
    public int N { get; }
    public int K { get; }
    public float Alpha { get; }
    public float Beta { get; }
    public int Lda { get; }
    public int Ldb { get; }
    public int Ldc { get; }
    public float[] A { get; }
    public float[] B { get; }
    public float[] C0 { get; }

    public float OpA(int i, int p) => TransA ? A[p * Lda + i] : A[i * Lda + p];
    public float OpB(int p, int j) => TransB ? B[j * Ldb + p] : B[p * Ldb + j];

    /// <summary>Runs the problem on <paramref name="backend"/> with <paramref name="threads"/> threads; returns C.</summary>
    public float[] Run(GemmBackend backend, int threads)
    {
        var c = (float[])C0.Clone();
        fixed (float* pa = A, pb = B, pc = c)
            Gemm.Run(backend, threads, TransA, TransB, M, N, K, Alpha, pa, Lda, pb, Ldb, Beta, pc, Ldc);
        return c;
    }

    /// <summary>Asserts every element of C within a bound scaled by Σ|alpha·a·b| + |beta·c|; padding must be untouched.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void AssertMatches(float[] c, string label)
    {
        // op(A) as rows and op(B) as columns, in double, so each element is one contiguous dot product.
        var rowsA = new double[M * K];
        var colsB = new double[N * K];
        for (int i = 0; i < M; i++) for (int p = 0; p < K; p++) rowsA[i * K + p] = OpA(i, p);
        for (int j = 0; j < N; j++) for (int p = 0; p < K; p++) colsB[j * K + p] = OpB(p, j);
        for (int i = 0; i < M; i++)
            for (int j = 0; j < N; j++)
            {
                double sum = 0, magnitude = 0;
                var ai = rowsA.AsSpan(i * K, K);
                var bj = colsB.AsSpan(j * K, K);
                for (int p = 0; p < K; p++)
                {
                    double t = ai[p] * bj[p];
                    sum += t;
                    magnitude += Math.Abs(t);
                }
                double c0 = Beta == 0f ? 0 : C0[i * Ldc + j];
                double expected = Alpha * sum + Beta * c0;
                double bound = 1e-6 * (4 + K) * (Math.Abs(Alpha) * magnitude + Math.Abs(Beta * c0)) + 1e-30;
                double error = Math.Abs(c[i * Ldc + j] - expected);
                if (!(error <= bound))
                    Assert.Fail($"{label}: C[{i},{j}] = {c[i * Ldc + j]}, expected {expected} (bound {bound:g3}) " +
                        $"for transA={TransA} transB={TransB} m={M} n={N} k={K} alpha={Alpha} beta={Beta} ldc={Ldc}");
            }
        for (int i = 0; i < M; i++)
            for (int j = N; j < Ldc; j++)
                if (c[i * Ldc + j] != C0[i * Ldc + j]) Assert.Fail($"{label}: padding C[{i},{j}] was written");
    }

    private static float[] Random(Random rng, int count)
    {
        var x = new float[count];
        for (int i = 0; i < count; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }
}
