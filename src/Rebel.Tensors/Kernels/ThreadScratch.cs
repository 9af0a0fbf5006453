namespace Rebel.Tensors.Kernels;

/// <summary>A per-thread scratch buffer for kernels (row temporaries, attention score blocks); never shared.</summary>
internal static class ThreadScratch
{
    [ThreadStatic] private static float[]? t_buffer;

    /// <summary>This thread's buffer, at least <paramref name="length"/> floats, pinned; contents arbitrary.</summary>
    /// <remarks>Valid until the next call on the same thread: a kernel takes it once and slices it.</remarks>
    public static float[] Get(int length)
    {
        var b = t_buffer;
        if (b is null || b.Length < length) t_buffer = b = GC.AllocateUninitializedArray<float>(Math.Max(length, 1024), pinned: true);
        return b;
    }
}
