using System.Collections.Concurrent;

namespace Rebel.Tensors.Memory;

/// <summary>
/// A pool of float buffers keyed by exact length. A training step allocates the same shapes every step, so exact
/// lengths recycle perfectly: after the first step, intermediates come from the pool and the step's memory stays flat.
/// </summary>
/// <remarks>
/// <para>What the pool keeps is bounded by what steps use. Each time an outermost <see cref="TensorScope"/> ends (one
/// step), <see cref="EndStep"/> notes the most bytes rented during that step; the pool then keeps at most
/// <see cref="Headroom"/> times the largest of the last <see cref="RecentSteps"/> steps' peaks (at least
/// <see cref="MinPooledBytes"/>, at most <see cref="MaxPooledBytes"/>), dropping first the lengths used least recently.
/// A run with fixed shapes keeps one step's buffers; a run whose shapes vary from step to step (sequence lengths of
/// sampled completions) no longer accumulates one set of buffers per shape ever seen.</para>
/// <para>Rent and return are lock-free; the trimming at the end of a step takes a lock.</para>
/// </remarks>
internal static class BufferPool
{
    private static readonly ConcurrentDictionary<int, Bucket> Buckets = new();
    private static readonly object TrimGate = new();
    private static readonly long[] StepPeaks = new long[RecentSteps];
    private static long _pooledBytes;
    private static long _rentedBytes;
    private static long _peakRentedBytes;
    private static long _stepPeakBytes;
    private static long _step;

    /// <summary>The most bytes the pool ever keeps (512 MiB); past it a returned buffer is left to the GC.</summary>
    public const long MaxPooledBytes = 512L << 20;

    /// <summary>
    /// The pool may always keep this much (128 MiB; tests lower it), however small the steps: enough for the buffers
    /// that recur across steps of a small model whose shapes vary with the sampled lengths.
    /// </summary>
    internal static long MinPooledBytes = 128L << 20;

    /// <summary>Steps whose peak rented bytes set the budget.</summary>
    public const int RecentSteps = 8;

    /// <summary>The budget as a multiple of the largest recent step peak.</summary>
    public const double Headroom = 1.5;

    /// <summary>Bytes currently held by the pool (for diagnostics and tests).</summary>
    public static long PooledBytes => Interlocked.Read(ref _pooledBytes);

    /// <summary>Bytes rented and not yet returned: the live tensors of every open scope.</summary>
    public static long RentedBytes => Interlocked.Read(ref _rentedBytes);

    /// <summary>The most <see cref="RentedBytes"/> seen since the last <see cref="ResetPeak"/> (for memory tests and diagnostics).</summary>
    public static long PeakRentedBytes => Interlocked.Read(ref _peakRentedBytes);

    /// <summary>Starts a new peak measurement at the current <see cref="RentedBytes"/>.</summary>
    public static void ResetPeak() => Interlocked.Exchange(ref _peakRentedBytes, RentedBytes);

    /// <summary>A buffer of exactly <paramref name="length"/> floats; its contents are arbitrary unless cleared.</summary>
    public static float[] Rent(int length)
    {
        if (length == 0) return [];
        long rented = Interlocked.Add(ref _rentedBytes, 4L * length);
        RaiseTo(ref _peakRentedBytes, rented);
        RaiseTo(ref _stepPeakBytes, rented);
        var bucket = Buckets.GetOrAdd(length, _ => new Bucket());
        bucket.LastUse = Interlocked.Read(ref _step);
        if (bucket.Arrays.TryTake(out var array))
        {
            Interlocked.Add(ref _pooledBytes, -4L * length);
            return array;
        }
        return GC.AllocateUninitializedArray<float>(length);
    }

    /// <summary>Gives a buffer back; the caller must not use it afterwards.</summary>
    public static void Return(float[] array)
    {
        if (array.Length == 0) return;
        Interlocked.Add(ref _rentedBytes, -4L * array.Length);
        if (Interlocked.Read(ref _pooledBytes) + 4L * array.Length > MaxPooledBytes) return;
        var bucket = Buckets.GetOrAdd(array.Length, _ => new Bucket());
        bucket.LastUse = Interlocked.Read(ref _step);
        bucket.Arrays.Add(array);
        Interlocked.Add(ref _pooledBytes, 4L * array.Length);
    }

    /// <summary>A rented buffer that will never come back (it now belongs to the GC): no longer counted as rented.</summary>
    public static void Disown(float[] array) => Interlocked.Add(ref _rentedBytes, -4L * array.Length);

    /// <summary>
    /// Ends a step (called when an outermost <see cref="TensorScope"/> is disposed): records the step's peak rented
    /// bytes and trims the pool to the budget, least recently used lengths first. Returns the budget.
    /// </summary>
    public static long EndStep()
    {
        lock (TrimGate)
        {
            long step = Interlocked.Increment(ref _step);
            StepPeaks[step % RecentSteps] = Interlocked.Exchange(ref _stepPeakBytes, RentedBytes);
            long budget = Math.Clamp((long)(Headroom * StepPeaks.Max()), MinPooledBytes, MaxPooledBytes);
            if (PooledBytes <= budget) return budget;
            // Drain (never remove) buckets, so a concurrent Return never adds to a bucket the pool no longer sees.
            foreach (var bucket in Buckets.Values.OrderBy(b => b.LastUse))
                while (PooledBytes > budget && bucket.Arrays.TryTake(out var array))
                    Interlocked.Add(ref _pooledBytes, -4L * array.Length);
            return budget;
        }
    }

    private static void RaiseTo(ref long target, long value)
    {
        for (long seen; value > (seen = Interlocked.Read(ref target));)
            if (Interlocked.CompareExchange(ref target, value, seen) == seen) return;
    }

    /// <summary>The free buffers of one length, and the step in which that length was last rented or returned.</summary>
    private sealed class Bucket
    {
        public readonly ConcurrentBag<float[]> Arrays = new();
        public long LastUse;
    }
}
