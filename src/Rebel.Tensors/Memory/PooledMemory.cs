namespace Rebel.Tensors.Memory;

/// <summary>
/// Read-only figures of the buffer pool that <see cref="TensorScope"/> tensors live in: how many bytes the open scopes'
/// tensors hold now and at most since <see cref="ResetPeak"/> (for memory tests, benchmarks and diagnostics; tensors
/// outside any scope are ordinary arrays and not counted).
/// </summary>
public static class PooledMemory
{
    /// <summary>Bytes held by the tensors of every open scope.</summary>
    public static long RentedBytes => BufferPool.RentedBytes;

    /// <summary>The most <see cref="RentedBytes"/> seen since the last <see cref="ResetPeak"/>.</summary>
    public static long PeakRentedBytes => BufferPool.PeakRentedBytes;

    /// <summary>Starts a new peak measurement at the current <see cref="RentedBytes"/>.</summary>
    public static void ResetPeak() => BufferPool.ResetPeak();
}
