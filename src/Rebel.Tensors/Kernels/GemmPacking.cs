using System.Diagnostics;
using System.Runtime.Intrinsics;

namespace Rebel.Tensors.Kernels;

/// <summary>
/// Copies blocks of op(A) and op(B) into the contiguous panel layouts the micro-kernel streams through.
/// </summary>
/// <remarks>
/// Packed A: row panels of <see cref="GemmMicroKernel.MR"/> rows; inside a panel, element (i, p) is at p·MR + i, so
/// one k-step reads MR consecutive floats. Packed B: column panels of <see cref="GemmMicroKernel.NR"/> columns;
/// element (p, j) is at p·NR + j. Rows or columns past the matrix edge are filled with zeros, so the micro-kernel
/// always runs full-size. Transposed operands are read in their stored order here, so callers never copy them.
/// </remarks>
internal static unsafe class GemmPacking
{
    private const int MR = GemmMicroKernel.MR, NR = GemmMicroKernel.NR;

    /// <summary>Packs alpha · op(A)[i0 .. i0+mc, p0 .. p0+kc] into ⌈mc/MR⌉ panels of MR·kc floats at <paramref name="dst"/>.</summary>
    public static void PackA(float* a, int lda, bool transA, int i0, int mc, int p0, int kc, float alpha, float* dst)
    {
        for (int ir = 0; ir < mc; ir += MR, dst += MR * kc)
        {
            int rows = Math.Min(MR, mc - ir);
            if (transA) PackATransposed(a + (nint)p0 * lda + i0 + ir, lda, rows, kc, alpha, dst);
            else if (rows == MR) PackARowsFull(a + (nint)(i0 + ir) * lda + p0, lda, kc, alpha, dst);
            else PackARowsPartial(a + (nint)(i0 + ir) * lda + p0, lda, rows, kc, alpha, dst);
        }
    }

    /// <summary>Packs op(B)[p0 .. p0+kc, j0 .. j0+nc] into ⌈nc/NR⌉ panels of NR·kc floats at <paramref name="dst"/>.</summary>
    public static void PackB(float* b, int ldb, bool transB, int p0, int kc, int j0, int nc, float* dst)
    {
        for (int jr = 0; jr < nc; jr += NR, dst += NR * kc)
        {
            int cols = Math.Min(NR, nc - jr);
            if (transB) PackBTransposed(b + (nint)(j0 + jr) * ldb + p0, ldb, cols, kc, dst);
            else PackBRows(b + (nint)p0 * ldb + j0 + jr, ldb, cols, kc, dst);
        }
    }

    // A stored [m, k]: the panel's MR rows are MR separate streams along k.
    private static void PackARowsFull(float* src, int lda, int kc, float alpha, float* dst)
    {
        Debug.Assert(MR == 6);
        float* r0 = src, r1 = r0 + lda, r2 = r1 + lda, r3 = r2 + lda, r4 = r3 + lda, r5 = r4 + lda;
        for (int p = 0; p < kc; p++, dst += MR)
        {
            dst[0] = alpha * r0[p]; dst[1] = alpha * r1[p]; dst[2] = alpha * r2[p];
            dst[3] = alpha * r3[p]; dst[4] = alpha * r4[p]; dst[5] = alpha * r5[p];
        }
    }

    private static void PackARowsPartial(float* src, int lda, int rows, int kc, float alpha, float* dst)
    {
        for (int p = 0; p < kc; p++, dst += MR)
        {
            int i = 0;
            for (; i < rows; i++) dst[i] = alpha * src[(nint)i * lda + p];
            for (; i < MR; i++) dst[i] = 0f;
        }
    }

    // A stored [k, m]: for each p the panel's rows are contiguous.
    private static void PackATransposed(float* src, int lda, int rows, int kc, float alpha, float* dst)
    {
        for (int p = 0; p < kc; p++, src += lda, dst += MR)
        {
            int i = 0;
            for (; i < rows; i++) dst[i] = alpha * src[i];
            for (; i < MR; i++) dst[i] = 0f;
        }
    }

    // B stored [k, n]: each k-step of the panel is NR contiguous floats.
    private static void PackBRows(float* src, int ldb, int cols, int kc, float* dst)
    {
        if (cols == NR)
        {
            for (int p = 0; p < kc; p++, src += ldb, dst += NR)
            {
                Vector256.Store(Vector256.Load(src), dst);
                Vector256.Store(Vector256.Load(src + 8), dst + 8);
            }
            return;
        }
        for (int p = 0; p < kc; p++, src += ldb, dst += NR)
        {
            int j = 0;
            for (; j < cols; j++) dst[j] = src[j];
            for (; j < NR; j++) dst[j] = 0f;
        }
    }

    // B stored [n, k]: the panel's NR columns are NR separate streams along k.
    private static void PackBTransposed(float* src, int ldb, int cols, int kc, float* dst)
    {
        for (int j = 0; j < cols; j++)
        {
            float* s = src + (nint)j * ldb;
            for (int p = 0; p < kc; p++) dst[p * NR + j] = s[p];
        }
        for (int j = cols; j < NR; j++)
            for (int p = 0; p < kc; p++) dst[p * NR + j] = 0f;
    }
}
