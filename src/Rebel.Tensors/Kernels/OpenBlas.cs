using System.Runtime.InteropServices;

namespace Rebel.Tensors.Kernels;

/// <summary>
/// OpenBLAS's CBLAS single-precision GEMM, bound at run time with <see cref="NativeLibrary.TryLoad(string, out IntPtr)"/>
/// so that a machine without the library still runs (the managed kernel takes over).
/// </summary>
internal static unsafe class OpenBlas
{
    private const int RowMajor = 101, NoTrans = 111, Trans = 112; // CBLAS_ORDER / CBLAS_TRANSPOSE values

    private static readonly string[] s_candidates =
        ["libopenblas.so.0", "libopenblas.so", "libopenblas.dylib", "libopenblas.dll", "openblas"];

    private static readonly delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> s_sgemm;
    private static readonly delegate* unmanaged<int, void> s_setThreads;

    static OpenBlas()
    {
        foreach (var name in s_candidates)
        {
            if (!NativeLibrary.TryLoad(name, typeof(OpenBlas).Assembly, null, out var handle)) continue;
            if (!NativeLibrary.TryGetExport(handle, "cblas_sgemm", out var sgemm))
            {
                NativeLibrary.Free(handle);
                continue;
            }
            s_sgemm = (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)sgemm;
            if (NativeLibrary.TryGetExport(handle, "openblas_set_num_threads", out var setThreads))
                s_setThreads = (delegate* unmanaged<int, void>)setThreads;
            return;
        }
    }

    /// <summary>True when <c>cblas_sgemm</c> was found.</summary>
    public static bool IsAvailable => s_sgemm != null;

    /// <summary>Sets OpenBLAS's thread count (no-op when the library or the export is missing).</summary>
    public static void SetThreads(int threads)
    {
        if (s_setThreads != null) s_setThreads(threads);
    }

    /// <summary>Row-major <c>cblas_sgemm</c>; arguments are already validated by <see cref="Gemm"/>.</summary>
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        if (s_sgemm == null) throw new InvalidOperationException("OpenBLAS (cblas_sgemm) is not loaded.");
        s_sgemm(RowMajor, transA ? Trans : NoTrans, transB ? Trans : NoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }
}
