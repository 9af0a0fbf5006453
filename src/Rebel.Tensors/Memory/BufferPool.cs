using System.Collections.Concurrent;

namespace Rebel.Tensors.Memory;

/// <summary>
/// A pool of float buffers keyed by exact length. A training step allocates the same shapes every step, so exact
/// lengths recycle perfectly: after the first step, intermediates come from the pool and the step's memory stays flat.
/// </summary>
internal static class BufferPool
{
    private static readonly ConcurrentDictionary<int, ConcurrentBag<float[]>> Buckets = new();
    private static long _pooledBytes;
    private static long _rentedBytes;
    private static long _peakRentedBytes;

    /// <summary>
    /// The most bytes the pool keeps (512 MiB). Buffers are pooled by exact length, so runs whose shapes vary from
    /// step to step (sequence lengths of sampled completions) would otherwise keep one set of buffers per shape seen;
    /// past the cap a returned buffer is left to the GC.
    /// </summary>
    public const long MaxPooledBytes = 512L << 20;

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
        for (long peak; rented > (peak = Interlocked.Read(ref _peakRentedBytes));)
            if (Interlocked.CompareExchange(ref _peakRentedBytes, rented, peak) == peak) break;
        if (Buckets.TryGetValue(length, out var bag) && bag.TryTake(out var array))
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
        Buckets.GetOrAdd(array.Length, _ => new ConcurrentBag<float[]>()).Add(array);
        Interlocked.Add(ref _pooledBytes, 4L * array.Length);
    }

    /// <summary>A rented buffer that will never come back (it now belongs to the GC): no longer counted as rented.</summary>
    public static void Disown(float[] array) => Interlocked.Add(ref _rentedBytes, -4L * array.Length);

    /// <summary>Drops every pooled buffer (lets the GC reclaim them).</summary>
    public static void Trim()
    {
        Buckets.Clear();
        Interlocked.Exchange(ref _pooledBytes, 0);
    }
}
