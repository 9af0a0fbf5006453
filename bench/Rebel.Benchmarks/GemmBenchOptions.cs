namespace Rebel.Benchmarks;

/// <summary>Settings of <c>Rebel.Benchmarks gemm</c>.</summary>
internal sealed record GemmBenchOptions
{
    /// <summary>Threads for both our kernel and OpenBLAS (default 2).</summary>
    public int Threads { get; init; } = 2;

    /// <summary>Timed repetitions per implementation and shape; the table shows their median (default 7).</summary>
    public int Repetitions { get; init; } = 7;

    /// <summary>Minimum duration of one repetition in milliseconds: small shapes repeat the call until it is reached (default 40).</summary>
    public double MinMilliseconds { get; init; } = 40;

    /// <summary>
    /// Milliseconds of untimed calls before the first shape, alternating both implementations on a 256³ product, so
    /// that neither is timed while the process is still starting up (thread creation, JIT, page faults) (default 2000).
    /// </summary>
    public double WarmupMilliseconds { get; init; } = 2000;

    /// <summary>Square sizes n (an n×n·n×n product each); default 128, 256, 384, 512, 768, 1024.</summary>
    public IReadOnlyList<int> Sizes { get; init; } = [128, 256, 384, 512, 768, 1024];

    /// <summary>Which shape groups to run: <c>square</c>, <c>model</c> or <c>all</c> (default).</summary>
    public string Suite { get; init; } = "all";

    /// <summary>Report each implementation's fastest repetition instead of the median (for a busy, shared machine).</summary>
    public bool Best { get; init; }

    /// <summary>
    /// Time with the calling thread's CPU clock instead of the wall clock: immune to descheduling on a busy machine,
    /// and only meaningful with one thread (so it requires <see cref="Threads"/> = 1).
    /// </summary>
    public bool CpuTime { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the offending value.</summary>
    public GemmBenchOptions Validate()
    {
        if (Threads < 1) throw new ArgumentException($"--threads must be at least 1, got {Threads}.");
        if (Repetitions < 1) throw new ArgumentException($"--reps must be at least 1, got {Repetitions}.");
        if (!(MinMilliseconds > 0)) throw new ArgumentException($"--min-ms must be positive, got {MinMilliseconds}.");
        if (!(WarmupMilliseconds >= 0)) throw new ArgumentException($"--warmup-ms must be non-negative, got {WarmupMilliseconds}.");
        if (Sizes.Any(s => s < 1)) throw new ArgumentException($"--sizes must all be at least 1, got {string.Join(",", Sizes)}.");
        if (CpuTime && Threads != 1) throw new ArgumentException($"--cpu-time needs --threads 1, got {Threads}.");
        if (Suite is not ("square" or "model" or "all"))
            throw new ArgumentException($"--suite must be square, model or all, got '{Suite}'.");
        return this;
    }
}
