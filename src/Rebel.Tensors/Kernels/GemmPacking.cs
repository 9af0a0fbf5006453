using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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

    // A stored [m, k]: the panel's MR rows are MR separate streams along k. Eight k-steps at a time are an 8×8
    // transpose (rows 6 and 7 are padding); each transposed column is stored 8 wide at dst + 6p, and the two padding
    // floats it writes past its 6 are overwritten by a later store of this panel (hence p + 8 < kc: never past the
    // panel's end, which may belong to another thread).
    private static void PackARowsFull(float* src, int lda, int kc, float alpha, float* dst)
    {
        Debug.Assert(MR == 6);
        float* r0 = src, r1 = r0 + lda, r2 = r1 + lda, r3 = r2 + lda, r4 = r3 + lda, r5 = r4 + lda;
        int p = 0;
        if (Avx.IsSupported)
        {
            var scale = Vector256.Create(alpha);
            var zero = Vector256<float>.Zero;
            for (; p + 8 < kc; p += 8, dst += 8 * MR)
            {
                Transpose8x8(
                    Vector256.Load(r0 + p) * scale, Vector256.Load(r1 + p) * scale, Vector256.Load(r2 + p) * scale,
                    Vector256.Load(r3 + p) * scale, Vector256.Load(r4 + p) * scale, Vector256.Load(r5 + p) * scale, zero, zero,
                    out var c0, out var c1, out var c2, out var c3, out var c4, out var c5, out var c6, out var c7);
                c0.Store(dst); c1.Store(dst + 6); c2.Store(dst + 12); c3.Store(dst + 18);
                c4.Store(dst + 24); c5.Store(dst + 30); c6.Store(dst + 36); c7.Store(dst + 42);
            }
        }
        for (; p < kc; p++, dst += MR)
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

    // A stored [k, m]: for each p the panel's rows are contiguous. A full panel moves each k-step as one 8-wide load
    // and store: the load's two extra floats may run past the stored row into the next one (which exists while
    // p + 1 < kc), and the store's two extra floats are overwritten by the next k-step; the last k-step is copied singly.
    private static void PackATransposed(float* src, int lda, int rows, int kc, float alpha, float* dst)
    {
        int p = 0;
        if (rows == MR && Avx.IsSupported)
        {
            var scale = Vector256.Create(alpha);
            for (; p + 1 < kc; p++, src += lda, dst += MR)
                (Vector256.Load(src) * scale).Store(dst);
        }
        for (; p < kc; p++, src += lda, dst += MR)
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

    // B stored [n, k]: the panel's NR columns are NR separate streams along k; eight k-steps of eight columns
    // at a time are an 8×8 transpose.
    private static void PackBTransposed(float* src, int ldb, int cols, int kc, float* dst)
    {
        if (cols == NR && Avx.IsSupported)
        {
            int p = 0;
            for (; p + 8 <= kc; p += 8)
                for (int half = 0; half < NR; half += 8)
                {
                    float* s = src + (nint)half * ldb + p;
                    Transpose8x8(
                        Vector256.Load(s), Vector256.Load(s + ldb), Vector256.Load(s + 2 * (nint)ldb), Vector256.Load(s + 3 * (nint)ldb),
                        Vector256.Load(s + 4 * (nint)ldb), Vector256.Load(s + 5 * (nint)ldb), Vector256.Load(s + 6 * (nint)ldb),
                        Vector256.Load(s + 7 * (nint)ldb),
                        out var c0, out var c1, out var c2, out var c3, out var c4, out var c5, out var c6, out var c7);
                    float* d = dst + p * NR + half;
                    c0.Store(d); c1.Store(d + NR); c2.Store(d + 2 * NR); c3.Store(d + 3 * NR);
                    c4.Store(d + 4 * NR); c5.Store(d + 5 * NR); c6.Store(d + 6 * NR); c7.Store(d + 7 * NR);
                }
            for (; p < kc; p++)
                for (int j = 0; j < NR; j++) dst[p * NR + j] = src[(nint)j * ldb + p];
            return;
        }
        for (int j = 0; j < cols; j++)
        {
            float* s = src + (nint)j * ldb;
            for (int p = 0; p < kc; p++) dst[p * NR + j] = s[p];
        }
        for (int j = cols; j < NR; j++)
            for (int p = 0; p < kc; p++) dst[p * NR + j] = 0f;
    }

    /// <summary>Transposes the 8×8 block whose rows are r0..r7: column j of the block becomes cj.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(
        Vector256<float> r0, Vector256<float> r1, Vector256<float> r2, Vector256<float> r3,
        Vector256<float> r4, Vector256<float> r5, Vector256<float> r6, Vector256<float> r7,
        out Vector256<float> c0, out Vector256<float> c1, out Vector256<float> c2, out Vector256<float> c3,
        out Vector256<float> c4, out Vector256<float> c5, out Vector256<float> c6, out Vector256<float> c7)
    {
        // Pairs of rows interleaved, then groups of four, then the 128-bit halves exchanged.
        var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5); var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7); var t7 = Avx.UnpackHigh(r6, r7);
        var s0 = Avx.Shuffle(t0, t2, 0x44); var s1 = Avx.Shuffle(t0, t2, 0xEE);
        var s2 = Avx.Shuffle(t1, t3, 0x44); var s3 = Avx.Shuffle(t1, t3, 0xEE);
        var s4 = Avx.Shuffle(t4, t6, 0x44); var s5 = Avx.Shuffle(t4, t6, 0xEE);
        var s6 = Avx.Shuffle(t5, t7, 0x44); var s7 = Avx.Shuffle(t5, t7, 0xEE);
        c0 = Avx.Permute2x128(s0, s4, 0x20); c1 = Avx.Permute2x128(s1, s5, 0x20);
        c2 = Avx.Permute2x128(s2, s6, 0x20); c3 = Avx.Permute2x128(s3, s7, 0x20);
        c4 = Avx.Permute2x128(s0, s4, 0x31); c5 = Avx.Permute2x128(s1, s5, 0x31);
        c6 = Avx.Permute2x128(s2, s6, 0x31); c7 = Avx.Permute2x128(s3, s7, 0x31);
    }
}
