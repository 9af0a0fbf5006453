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

    /// <summary>
    /// The most bytes the pool keeps (512 MiB). Buffers are pooled by exact length, so runs whose shapes vary from
    /// step to step (sequence lengths of sampled completions) would otherwise keep one set of buffers per shape seen;
    /// past the cap a returned buffer is left to the GC.
    /// </summary>
    public const long MaxPooledBytes = 512L << 20;

    /// <summary>Bytes currently held by the pool (for diagnostics and tests).</summary>
    public static long PooledBytes => Interlocked.Read(ref _pooledBytes);

    /// <summary>A buffer of exactly <paramref name="length"/> floats; its contents are arbitrary unless cleared.</summary>
    public static float[] Rent(int length)
    {
        if (length == 0) return [];
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
        if (Interlocked.Read(ref _pooledBytes) + 4L * array.Length > MaxPooledBytes) return;
        Buckets.GetOrAdd(array.Length, _ => new ConcurrentBag<float[]>()).Add(array);
        Interlocked.Add(ref _pooledBytes, 4L * array.Length);
    }

    /// <summary>Drops every pooled buffer (lets the GC reclaim them).</summary>
    public static void Trim()
    {
        Buckets.Clear();
        Interlocked.Exchange(ref _pooledBytes, 0);
    }
}
