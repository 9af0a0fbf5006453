namespace Rebel.Tensors.Kernels;

/// <summary>
/// Single-precision general matrix multiply on row-major storage:
/// C[m,n] = alpha · Σ_k op(A)[m,k] · op(B)[k,n] + beta · C[m,n], where op(X) is X or Xᵀ.
/// </summary>
/// <remarks>
/// Row-major: element (i, j) of a matrix with leading dimension ld is at i·ld + j. With <c>transA</c>, A is
/// stored as [k, m] (lda ≥ m); otherwise as [m, k] (lda ≥ k). Likewise B is [n, k] when transposed, else [k, n].
/// </remarks>
public static class Gemm
{
    /// <summary>C = alpha·op(A)·op(B) + beta·C (row-major). beta = 0 overwrites C (NaNs in C are not propagated).</summary>
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        // Reference path: i-k-j loop order, row of C accumulated with a broadcast of op(A)[i,p].
        for (int i = 0; i < m; i++)
        {
            var ci = c.Slice(i * ldc, n);
            if (beta == 0f) ci.Clear();
            else if (beta != 1f) for (int j = 0; j < n; j++) ci[j] *= beta;
            for (int p = 0; p < k; p++)
            {
                float aip = alpha * (transA ? a[p * lda + i] : a[i * lda + p]);
                if (transB)
                    for (int j = 0; j < n; j++) ci[j] += aip * b[j * ldb + p];
                else
                {
                    var bp = b.Slice(p * ldb, n);
                    for (int j = 0; j < n; j++) ci[j] += aip * bp[j];
                }
            }
        }
    }
}
