using Rebel.Tensors.Kernels;

namespace Rebel.Tensors;

// Matrix products. Dimension legend: batch axes (…), M rows of A, K shared, N columns of B.
public sealed partial class Tensor
{
    /// <summary>
    /// Matrix product over the last two axes, C[…, M, N] = Σ_k A[…, M, k] · B[…, k, N], with NumPy broadcasting of
    /// the batch axes (a rank-2 <paramref name="b"/> is shared by every batch entry, as in a linear layer).
    /// Transposed views (e.g. <c>b.Transpose(-1, -2)</c>) are passed to GEMM as transposed operands without copying.
    /// </summary>
    /// <remarks>Gradients: ∂L/∂A = G·Bᵀ, ∂L/∂B = Aᵀ·G (summed over broadcast batch axes).</remarks>
    public static Tensor MatMul(Tensor a, Tensor b)
    {
        a.CheckAlive(); b.CheckAlive();
        if (a.Rank < 2 || b.Rank < 2)
            throw new ArgumentException($"MatMul needs operands of rank ≥ 2, got {ShapeMath.Format(a.Dims)} and {ShapeMath.Format(b.Dims)}.");
        int m = a.Dims[^2], k = a.Dims[^1], n = b.Dims[^1];
        if (b.Dims[^2] != k)
            throw new ArgumentException($"MatMul: inner extents differ: {ShapeMath.Format(a.Dims)} · {ShapeMath.Format(b.Dims)}.");
        var batch = ShapeMath.Broadcast(a.Dims[..^2], b.Dims[..^2], "MatMul");
        var c = Empty([.. batch, m, n], clear: false);
        MatMulInto(a, b, c, beta: 0f);
        if (!Records(a, b)) return c;
        return c.Record("MatMul", [a, b], g =>
        {
            if (a.RequiresGrad) AccumulateGrad(a, MatMul(g, b.Transpose(-1, -2)));     // dA = G·Bᵀ
            if (!b.RequiresGrad) return;
            if (b.Rank == 2 && a.Rank > 2 && a.IsContiguous)
            {
                // dB = Σ_batch Aᵀ·G = A₂ᵀ·G₂ with the batch folded into the rows: one GEMM, accumulated in place
                var a2 = a.Reshape(-1, k).Transpose(0, 1);
                var g2 = g.Contiguous().Reshape(-1, n);
                if (b.Grad is null) AccumulateGrad(b, MatMul(a2, g2));
                else MatMulInto(a2, g2, b.Grad, beta: 1f);
            }
            else AccumulateGrad(b, MatMul(a.Transpose(-1, -2), g));                   // dB = Aᵀ·G
        });
    }

    /// <summary>C = A·B + beta·C for contiguous C whose shape is the broadcast batch shape plus [M, N].</summary>
    internal static void MatMulInto(Tensor a, Tensor b, Tensor c, float beta)
    {
        int m = a.Dims[^2], k = a.Dims[^1], n = b.Dims[^1];
        // Fold a contiguous A's batch axes into its rows when B is a single matrix.
        if (b.Rank == 2 && a.Rank > 2 && a.IsContiguous) a = a.Reshape(-1, k);
        if (a.Rank == 2 && b.Rank == 2)
        {
            var (ta, lda, aa) = MatrixOperand(a);
            var (tb, ldb, bb) = MatrixOperand(b);
            Gemm.Sgemm(ta, tb, a.Dims[0], n, k, 1f, aa.Data.AsSpan(aa.Offset), lda, bb.Data.AsSpan(bb.Offset), ldb, beta, c.Data.AsSpan(c.Offset, c.Size), n);
            return;
        }

        int[] batch = c.Dims[..^2];
        int count = ShapeMath.Count(batch);
        var (transA, ldA, ma) = MatrixOperand(a);
        var (transB, ldB, mb) = MatrixOperand(b);
        var sa = ShapeMath.BroadcastStrides(ma.Dims[..^2], ma.Strides[..^2], batch);
        var sb = ShapeMath.BroadcastStrides(mb.Dims[..^2], mb.Strides[..^2], batch);
        if (UniformStep(batch, sa, out long strideA) && UniformStep(batch, sb, out long strideB))
        {
            // Every batch entry one fixed step further in A and in B (a stride of 0 shares the matrix): one batched
            // call, which runs small products in parallel across the batch instead of one after another.
            Gemm.SgemmStrided(transA, transB, m, n, k, 1f, ma.Data.AsSpan(ma.Offset), ldA, mb.Data.AsSpan(mb.Offset), ldB, beta,
                c.Data.AsSpan(c.Offset, c.Size), n, count, strideA, strideB, (long)m * n);
            return;
        }
        var index = new int[batch.Length];
        int oa = ma.Offset, ob = mb.Offset;
        for (int i = 0; i < count; i++)
        {
            Gemm.Sgemm(transA, transB, m, n, k, 1f, ma.Data.AsSpan(oa), ldA, mb.Data.AsSpan(ob), ldB, beta, c.Data.AsSpan(c.Offset + i * m * n, m * n), n);
            for (int d = batch.Length - 1; d >= 0; d--)
            {
                index[d]++; oa += sa[d]; ob += sb[d];
                if (index[d] < batch[d]) break;
                oa -= sa[d] * batch[d]; ob -= sb[d] * batch[d]; index[d] = 0;
            }
        }
    }

    /// <summary>
    /// True when walking the batch index in row-major order moves the offset by one fixed, non-negative
    /// <paramref name="step"/> (axes of extent 1 ignored), i.e. offset(i) = i·step for the i-th batch entry.
    /// </summary>
    private static bool UniformStep(int[] batch, int[] strides, out long step)
    {
        step = 0;
        long span = -1; // the step one index of the axes to the right of d moves over all of them, once known
        for (int d = batch.Length - 1; d >= 0; d--)
        {
            if (batch[d] == 1) continue;
            if (span < 0) step = strides[d];
            else if (strides[d] != span) return false;
            span = (long)strides[d] * batch[d];
        }
        return step >= 0;
    }

    /// <summary>
    /// How GEMM should read the last two axes of <paramref name="t"/>: row-major (unit column stride) or transposed
    /// (unit row stride), with its leading dimension; anything else is first copied to contiguous memory.
    /// </summary>
    private static (bool Transposed, int Ld, Tensor Source) MatrixOperand(Tensor t)
    {
        int r = t.Dims[^2], c = t.Dims[^1], sr = t.Strides[^2], sc = t.Strides[^1];
        if (c == 1 && r == 1) return (false, 1, t);
        if (sc == 1 && (r == 1 || sr >= c)) return (false, r == 1 ? Math.Max(1, c) : sr, t);
        if (sr == 1 && (c == 1 || sc >= r)) return (true, c == 1 ? Math.Max(1, r) : sc, t);
        var copy = t.Detach();
        return (false, c, copy);
    }
}
