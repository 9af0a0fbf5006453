using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Rebel.Tensors.Kernels;

/// <summary>
/// The register-blocked inner kernel: an MR×NR tile of C from a packed A panel (MR×kc) and a packed B panel (kc×NR).
/// </summary>
/// <remarks>
/// tile[i, j] = Σ_p Ap[p·MR + i] · Bp[p·NR + j]; then C[i, j] = tile[i, j] (store) or C[i, j] += tile[i, j] (accumulate).
/// With AVX2+FMA the tile lives in 12 ymm accumulators (6 rows × two 8-float halves): each k-step loads two B
/// vectors, broadcasts 6 A values and issues 12 fused multiply-adds. Elsewhere a portable scalar loop computes the
/// same tile. Tiles cut by the matrix edge are computed into a local buffer and only their valid part is written.
/// </remarks>
internal static unsafe class GemmMicroKernel
{
    /// <summary>Rows of the register tile.</summary>
    public const int MR = 6;

    /// <summary>Columns of the register tile (two 8-float vectors).</summary>
    public const int NR = 16;

    /// <summary>True when the AVX2+FMA kernel runs; tests may clear it to exercise the portable kernel.</summary>
    internal static bool UseFma = Fma.IsSupported && Avx.IsSupported;

    /// <summary>A full MR×NR tile into C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Full(int kc, float* a, float* b, float* c, nint ldc, bool accumulate)
    {
        if (UseFma) Fma6x16(kc, a, b, c, ldc, accumulate);
        else Portable(kc, a, b, c, ldc, accumulate);
    }

    /// <summary>The rows × cols top-left part of a tile into C (rows ≤ MR, cols ≤ NR), through a local tile.</summary>
    [SkipLocalsInit]
    public static void Edge(int kc, float* a, float* b, float* c, nint ldc, int rows, int cols, bool accumulate)
    {
        float* tile = stackalloc float[MR * NR + 8];
        tile = (float*)(((nint)tile + 31) & ~(nint)31);
        Full(kc, a, b, tile, NR, accumulate: false);
        if (Avx.IsSupported)
        {
            // Whole-vector reloads of the tile (a narrower load right after a 32-byte store stalls store forwarding)
            // and masked stores into C, which never touch the columns past the edge.
            fixed (int* ones = s_leadingOnes)
            {
                var lo = Avx.LoadVector256(ones + 8 - Math.Min(cols, 8)).AsSingle();
                var hi = Avx.LoadVector256(ones + 8 - Math.Max(cols - 8, 0)).AsSingle();
                for (int i = 0; i < rows; i++, c += ldc, tile += NR)
                {
                    var t0 = Avx.LoadAlignedVector256(tile);
                    var t1 = Avx.LoadAlignedVector256(tile + 8);
                    if (accumulate)
                    {
                        t0 = Avx.Add(t0, Avx.MaskLoad(c, lo));
                        t1 = Avx.Add(t1, Avx.MaskLoad(c + 8, hi));
                    }
                    Avx.MaskStore(c, lo, t0);
                    Avx.MaskStore(c + 8, hi, t1);
                }
            }
            return;
        }
        for (int i = 0; i < rows; i++)
        {
            float* ci = c + i * ldc, ti = tile + i * NR;
            if (accumulate) for (int j = 0; j < cols; j++) ci[j] += ti[j];
            else for (int j = 0; j < cols; j++) ci[j] = ti[j];
        }
    }

    // Eight all-ones lanes then eight zero lanes: loading 8 ints at offset 8 − n gives a mask of n leading lanes.
    private static readonly int[] s_leadingOnes = [-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0];

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Fma6x16(int kc, float* a, float* b, float* c, nint ldc, bool accumulate)
    {
        // Bring the C tile toward L1 while the k-loop runs (it is read, or at least written, at the end).
        Sse.Prefetch0(c); Sse.Prefetch0(c + 15); Sse.Prefetch0(c + ldc); Sse.Prefetch0(c + ldc + 15);
        Sse.Prefetch0(c + 2 * ldc); Sse.Prefetch0(c + 2 * ldc + 15); Sse.Prefetch0(c + 3 * ldc); Sse.Prefetch0(c + 3 * ldc + 15);
        Sse.Prefetch0(c + 4 * ldc); Sse.Prefetch0(c + 4 * ldc + 15); Sse.Prefetch0(c + 5 * ldc); Sse.Prefetch0(c + 5 * ldc + 15);
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++, a += MR, b += NR)
        {
            Vector256<float> b0 = Avx.LoadAlignedVector256(b), b1 = Avx.LoadAlignedVector256(b + 8);
            Vector256<float> ai = Avx.BroadcastScalarToVector256(a);
            c00 = Fma.MultiplyAdd(ai, b0, c00); c01 = Fma.MultiplyAdd(ai, b1, c01);
            ai = Avx.BroadcastScalarToVector256(a + 1);
            c10 = Fma.MultiplyAdd(ai, b0, c10); c11 = Fma.MultiplyAdd(ai, b1, c11);
            ai = Avx.BroadcastScalarToVector256(a + 2);
            c20 = Fma.MultiplyAdd(ai, b0, c20); c21 = Fma.MultiplyAdd(ai, b1, c21);
            ai = Avx.BroadcastScalarToVector256(a + 3);
            c30 = Fma.MultiplyAdd(ai, b0, c30); c31 = Fma.MultiplyAdd(ai, b1, c31);
            ai = Avx.BroadcastScalarToVector256(a + 4);
            c40 = Fma.MultiplyAdd(ai, b0, c40); c41 = Fma.MultiplyAdd(ai, b1, c41);
            ai = Avx.BroadcastScalarToVector256(a + 5);
            c50 = Fma.MultiplyAdd(ai, b0, c50); c51 = Fma.MultiplyAdd(ai, b1, c51);
        }
        StoreRow(c, c00, c01, accumulate); c += ldc;
        StoreRow(c, c10, c11, accumulate); c += ldc;
        StoreRow(c, c20, c21, accumulate); c += ldc;
        StoreRow(c, c30, c31, accumulate); c += ldc;
        StoreRow(c, c40, c41, accumulate); c += ldc;
        StoreRow(c, c50, c51, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(float* c, Vector256<float> lo, Vector256<float> hi, bool accumulate)
    {
        if (accumulate)
        {
            lo = Avx.Add(lo, Avx.LoadVector256(c));
            hi = Avx.Add(hi, Avx.LoadVector256(c + 8));
        }
        Avx.Store(c, lo);
        Avx.Store(c + 8, hi);
    }

    [SkipLocalsInit]
    private static void Portable(int kc, float* a, float* b, float* c, nint ldc, bool accumulate)
    {
        float* acc = stackalloc float[MR * NR];
        new Span<float>(acc, MR * NR).Clear();
        for (int p = 0; p < kc; p++, a += MR, b += NR)
            for (int i = 0; i < MR; i++)
            {
                float ai = a[i];
                float* row = acc + i * NR;
                for (int j = 0; j < NR; j++) row[j] += ai * b[j];
            }
        for (int i = 0; i < MR; i++)
        {
            float* ci = c + i * ldc, ri = acc + i * NR;
            if (accumulate) for (int j = 0; j < NR; j++) ci[j] += ri[j];
            else for (int j = 0; j < NR; j++) ci[j] = ri[j];
        }
    }
}
