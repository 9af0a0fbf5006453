namespace Rebel.Tensors.Kernels;

/// <summary>
/// Single-precision general matrix multiply on row-major storage:
/// C[m,n] = alpha · Σ_k op(A)[m,k] · op(B)[k,n] + beta · C[m,n], where op(X) is X or Xᵀ.
/// </summary>
/// <remarks>
/// <para>Row-major: element (i, j) of a matrix with leading dimension ld is at i·ld + j. With <c>transA</c>, A is
/// stored as [k, m] (lda ≥ m); otherwise as [m, k] (lda ≥ k). Likewise B is [n, k] when transposed, else [k, n].
/// Transposed operands are read in place (the packing step handles them), never copied by the caller.</para>
/// <para>beta = 0 overwrites C (NaNs already in C do not propagate); alpha = 0 or k = 0 leaves C = beta·C without
/// reading A or B. C must not overlap A or B.</para>
/// <para>Backends: a blocked, packed managed kernel (AVX2+FMA micro-kernel, scalar elsewhere), and OpenBLAS's
/// <c>cblas_sgemm</c> when <c>libopenblas</c> loads at run time. <see cref="Backend"/> chooses; its initial value
/// comes from the environment variable <c>REBEL_GEMM</c> (<c>managed</c> or <c>blas</c>; anything else, or a
/// missing library, means <see cref="GemmBackend.Auto"/>).</para>
/// </remarks>
public static unsafe class Gemm
{
    private static volatile GemmBackend s_backend = BackendFromEnvironment();
    private static volatile int s_threads = InitialThreads();

    /// <summary>True when OpenBLAS's <c>cblas_sgemm</c> was found at run time.</summary>
    public static bool IsBlasAvailable => OpenBlas.IsAvailable;

    /// <summary>The implementation used by <see cref="Sgemm"/> and <see cref="SgemmStrided"/>.</summary>
    /// <exception cref="InvalidOperationException">Setting <see cref="GemmBackend.Blas"/> when OpenBLAS is not available.</exception>
    public static GemmBackend Backend
    {
        get => s_backend;
        set
        {
            if (!Enum.IsDefined(value)) throw new ArgumentOutOfRangeException(nameof(value), value, "Unknown GEMM backend.");
            if (value == GemmBackend.Blas && !OpenBlas.IsAvailable)
                throw new InvalidOperationException("GEMM backend Blas requested, but libopenblas (cblas_sgemm) could not be loaded.");
            s_backend = value;
        }
    }

    /// <summary>The backend a call actually runs: <see cref="GemmBackend.Managed"/> or <see cref="GemmBackend.Blas"/>.</summary>
    public static GemmBackend EffectiveBackend =>
        s_backend == GemmBackend.Managed || !OpenBlas.IsAvailable ? GemmBackend.Managed : GemmBackend.Blas;

    /// <summary>Most threads one call may use (default: the processor count); also applied to OpenBLAS.</summary>
    public static int Threads
    {
        get => s_threads;
        set
        {
            if (value < 1) throw new ArgumentOutOfRangeException(nameof(value), value, "GEMM thread count must be at least 1.");
            s_threads = value;
            OpenBlas.SetThreads(value);
        }
    }

    /// <summary>
    /// Sets <see cref="Backend"/> and/or <see cref="Threads"/> (null: unchanged) until the returned object is disposed,
    /// which restores both — for runs and benchmarks that change the process-wide settings for a while.
    /// </summary>
    /// <exception cref="InvalidOperationException"><see cref="GemmBackend.Blas"/> when OpenBLAS is not available (nothing is changed).</exception>
    public static IDisposable Use(GemmBackend? backend = null, int? threads = null)
    {
        var saved = (Backend: s_backend, Threads: s_threads);
        if (backend is { } b) Backend = b;
        try
        {
            if (threads is { } t) Threads = t;
        }
        catch
        {
            Backend = saved.Backend;
            throw;
        }
        return new Restore(() =>
        {
            Backend = saved.Backend;
            Threads = saved.Threads;
        });
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        private Action? _restore = restore;

        public void Dispose() => Interlocked.Exchange(ref _restore, null)?.Invoke();
    }

    /// <summary>C = alpha·op(A)·op(B) + beta·C (row-major). beta = 0 overwrites C (NaNs in C are not propagated).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative dimension.</exception>
    /// <exception cref="ArgumentException">A leading dimension below the stored row width, or a span too short.</exception>
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        GemmArguments.Check(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        fixed (float* pa = a, pb = b, pc = c)
            Run(EffectiveBackend, s_threads, transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
    }

    /// <summary>
    /// As <see cref="Sgemm"/>, but always with the managed kernel on the calling thread alone: for many small products
    /// issued from parallel workers (e.g. attention per (sequence, head)), where a threaded BLAS inside each worker would
    /// oversubscribe the cores.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative dimension.</exception>
    /// <exception cref="ArgumentException">A leading dimension below the stored row width, or a span too short.</exception>
    public static void SgemmSingleThreaded(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        GemmArguments.Check(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        fixed (float* pa = a, pb = b, pc = c)
            GemmManaged.Sgemm(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, threads: 1);
    }

    /// <summary>
    /// C [m, n] = alpha·op(A)·B + beta·C with B [k, n] packed beforehand (<see cref="PackedMatrix"/>: k = its
    /// <see cref="PackedMatrix.Rows"/>, n = its <see cref="PackedMatrix.Columns"/>), on the managed kernel whatever
    /// <see cref="Backend"/> says and at most <see cref="Threads"/> threads: for many products with one fixed B and few rows
    /// of A, such as decoding with a model's weights. A is [m, k] (lda ≥ k), or [k, m] with <paramref name="transA"/>.
    /// Gives the same bits as <see cref="Sgemm"/> on the managed backend.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="b"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A negative dimension.</exception>
    /// <exception cref="ArgumentException">A leading dimension below the stored row width, or a span too short.</exception>
    public static void SgemmPacked(bool transA, int m, float alpha, ReadOnlySpan<float> a, int lda, PackedMatrix b,
        float beta, Span<float> c, int ldc)
    {
        ArgumentNullException.ThrowIfNull(b);
        GemmArguments.Check(transA, false, m, b.Columns, b.Rows, a.Length, lda, (int)Math.Min(int.MaxValue, (long)b.Rows * b.Columns), Math.Max(1, b.Columns), c.Length, ldc); // B: checked when packed
        fixed (float* pa = a, pc = c)
            GemmManaged.SgemmPacked(transA, m, alpha, pa, lda, b, beta, pc, ldc, s_threads);
    }

    /// <summary>
    /// Batched GEMM over equally strided matrices: for t in [0, batch),
    /// C_t = alpha·op(A_t)·op(B_t) + beta·C_t with A_t = a[t·strideA ..], B_t = b[t·strideB ..], C_t = c[t·strideC ..].
    /// </summary>
    /// <remarks>
    /// A stride of 0 reuses one matrix for every batch item (e.g. a shared weight). The C matrices must not overlap
    /// (strideC at least the span of one C). Large items run one after another, each call multi-threaded. Small items
    /// (attention heads) run in parallel across the batch, one thread each, on the managed kernel unless
    /// <see cref="Backend"/> is <see cref="GemmBackend.Blas"/>.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">A negative dimension, batch or stride.</exception>
    /// <exception cref="ArgumentException">Leading dimensions or spans too small for the batch, or overlapping C matrices.</exception>
    public static void SgemmStrided(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc,
        int batch, long strideA, long strideB, long strideC)
    {
        GemmArguments.CheckStrided(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc,
            batch, strideA, strideB, strideC);
        if (batch == 0) return;
        fixed (float* pa = a, pb = b, pc = c)
            RunStrided(s_backend, s_threads, transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc,
                batch, strideA, strideB, strideC);
    }

    /// <summary>One validated call on the given backend (the tests call both backends through this).</summary>
    internal static void Run(GemmBackend backend, int threads, bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f)
        {
            // C = beta·C without reading A or B, on every backend: BLAS would form 0·NaN = NaN from A or B.
            GemmManaged.ScaleC(c, ldc, 0, m, 0, n, beta);
            return;
        }
        if (backend == GemmBackend.Blas)
        {
            // BLAS wants ld ≥ 1 even for empty operands; the checks above already guarantee the row widths.
            OpenBlas.Sgemm(transA, transB, m, n, k, alpha, a, Math.Max(1, lda), b, Math.Max(1, ldb), beta, c, Math.Max(1, ldc));
        }
        else GemmManaged.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads);
    }

    /// <summary>A validated batched call; <paramref name="backend"/> may be <see cref="GemmBackend.Auto"/>.</summary>
    internal static void RunStrided(GemmBackend backend, int threads, bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc, int batch, long strideA, long strideB, long strideC)
    {
        long work = (long)m * n * k;
        if (backend != GemmBackend.Blas && threads > 1 && batch > 1 && work < GemmManaged.ParallelThreshold * 4)
        {
            // Small items: one thread per item, the batch shared across threads.
            nint pa = (nint)a, pb = (nint)b, pc = (nint)c;
            Parallel.For(0, batch, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
                GemmManaged.Sgemm(transA, transB, m, n, k, alpha, (float*)pa + t * strideA, lda,
                    (float*)pb + t * strideB, ldb, beta, (float*)pc + t * strideC, ldc, threads: 1));
            return;
        }
        backend = backend == GemmBackend.Managed || !OpenBlas.IsAvailable ? GemmBackend.Managed : GemmBackend.Blas;
        for (int t = 0; t < batch; t++)
            Run(backend, threads, transA, transB, m, n, k, alpha, a + t * strideA, lda, b + t * strideB, ldb, beta, c + t * strideC, ldc);
    }

    private static GemmBackend BackendFromEnvironment()
    {
        var value = Environment.GetEnvironmentVariable("REBEL_GEMM")?.Trim().ToLowerInvariant();
        return value switch
        {
            "managed" => GemmBackend.Managed,
            "blas" when OpenBlas.IsAvailable => GemmBackend.Blas,
            _ => GemmBackend.Auto,
        };
    }

    private static int InitialThreads()
    {
        int threads = Environment.ProcessorCount;
        OpenBlas.SetThreads(threads);
        return threads;
    }
}
