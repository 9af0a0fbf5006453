using System.Diagnostics;
using Rebel.Tensors;
using Rebel.Tensors.Kernels;

namespace Rebel.Benchmarks;

/// <summary>Times our managed SGEMM against OpenBLAS's, interleaved, and reports median (or best) GFLOP/s per shape.</summary>
internal sealed class GemmBenchmark(GemmBenchOptions options)
{
    /// <summary>One row of the result table; <see cref="Blas"/> is NaN when OpenBLAS is missing.</summary>
    public sealed record Row(GemmBenchShape Shape, double Managed, double Blas)
    {
        /// <summary>Our GFLOP/s over OpenBLAS's.</summary>
        public double Ratio => Managed / Blas;
    }

    /// <summary>Runs every shape of the selected suites and returns one row per shape.</summary>
    public IReadOnlyList<Row> Run(Action<Row>? onRow = null)
    {
        var shapes = new List<GemmBenchShape>();
        if (options.Suite is "square" or "all") shapes.AddRange(GemmBenchShape.Square(options.Sizes));
        if (options.Suite is "model" or "all") shapes.AddRange(GemmBenchShape.Model());

        using var _ = Gemm.Use(threads: options.Threads);                 // Measure switches the backend; both are restored
        WarmUp();
        var rows = new List<Row>();
        foreach (var shape in shapes)
        {
            var row = Measure(shape);
            rows.Add(row);
            onRow?.Invoke(row);
        }
        return rows;
    }

    /// <summary>Alternates untimed 256³ products on both implementations for <see cref="GemmBenchOptions.WarmupMilliseconds"/>.</summary>
    private void WarmUp()
    {
        if (options.WarmupMilliseconds <= 0) return;
        var shape = GemmBenchShape.Square([256]).Single();
        var rng = new Rng(1);
        float[] a = Fill(rng, 256 * 256), b = Fill(rng, 256 * 256), c = new float[256 * 256];
        long start = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(start).TotalMilliseconds < options.WarmupMilliseconds)
        {
            Time(GemmBackend.Managed, shape, a, b, c, 1);
            if (Gemm.IsBlasAvailable) Time(GemmBackend.Blas, shape, a, b, c, 1);
        }
    }

    private Row Measure(GemmBenchShape s)
    {
        var rng = new Rng(12345);
        var a = Fill(rng, (long)s.M * s.K * s.Batch);
        var b = Fill(rng, (long)s.K * s.N * s.Batch);
        var c = new float[(long)s.M * s.N * s.Batch];
        bool blas = Gemm.IsBlasAvailable;

        // Warm up both (JIT, page faults, thread pool), then size a repetition to last at least MinMilliseconds.
        double once = Time(GemmBackend.Managed, s, a, b, c, 1);
        if (blas) once = Math.Min(once, Time(GemmBackend.Blas, s, a, b, c, 1));
        once = Math.Min(once, Time(GemmBackend.Managed, s, a, b, c, 1));
        int calls = (int)Math.Clamp(Math.Ceiling(options.MinMilliseconds / 1000 / Math.Max(once, 1e-9)), 1, 1_000_000);

        var managed = new List<double>();
        var reference = new List<double>();
        for (int r = 0; r < options.Repetitions; r++)
        {
            // Alternate which one goes first so neither always inherits the other's cache or clock state.
            if (blas && r % 2 == 1) reference.Add(s.Flops * calls / Time(GemmBackend.Blas, s, a, b, c, calls) / 1e9);
            managed.Add(s.Flops * calls / Time(GemmBackend.Managed, s, a, b, c, calls) / 1e9);
            if (blas && r % 2 == 0) reference.Add(s.Flops * calls / Time(GemmBackend.Blas, s, a, b, c, calls) / 1e9);
        }
        Func<List<double>, double> pick = options.Best ? xs => xs.Max() : SampleMedian.Of;
        return new Row(s, pick(managed), blas ? pick(reference) : double.NaN);
    }

    /// <summary>Seconds for <paramref name="calls"/> back-to-back calls on <paramref name="backend"/>.</summary>
    private double Time(GemmBackend backend, GemmBenchShape s, float[] a, float[] b, float[] c, int calls)
    {
        Gemm.Backend = backend;
        int lda = s.TransA ? s.M : s.K, ldb = s.TransB ? s.K : s.N;
        bool cpu = options.CpuTime;
        long start = Stopwatch.GetTimestamp();
        double cpuStart = cpu ? ThreadCpuClock.Now() : 0;
        for (int i = 0; i < calls; i++)
        {
            if (s.Batch == 1) Gemm.Sgemm(s.TransA, s.TransB, s.M, s.N, s.K, 1f, a, lda, b, ldb, 0f, c, s.N);
            else Gemm.SgemmStrided(s.TransA, s.TransB, s.M, s.N, s.K, 1f, a, lda, b, ldb, 0f, c, s.N,
                s.Batch, (long)s.M * s.K, (long)s.K * s.N, (long)s.M * s.N);
        }
        return cpu ? ThreadCpuClock.Now() - cpuStart : Stopwatch.GetElapsedTime(start).TotalSeconds;
    }


    private static float[] Fill(Rng rng, long count)
    {
        var x = new float[count];
        for (long i = 0; i < count; i++) x[i] = (float)(rng.NextDouble() - 0.5);
        return x;
    }
}
