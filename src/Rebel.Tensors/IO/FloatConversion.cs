using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Rebel.Tensors.IO;

/// <summary>Conversions between 16-bit floats (little-endian bytes, any alignment) and float32, both ways.</summary>
internal static class FloatConversion
{
    /// <summary>
    /// bfloat16 → float32: a bfloat16 is the upper half of a float32, so f32 bits = bf16 bits &lt;&lt; 16
    /// (exact; NaN payloads, infinities, signed zeros and subnormals carry over).
    /// </summary>
    internal static void BFloat16ToSingle(ReadOnlySpan<byte> source, Span<float> destination)
    {
        Check(source, destination, 2);
        ref byte src = ref MemoryMarshal.GetReference(source);
        ref uint dst = ref Unsafe.As<float, uint>(ref MemoryMarshal.GetReference(destination));
        int n = destination.Length;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // 16 bfloat16 in, two vectors of 8 float32 out.
            for (; i <= n - Vector256<ushort>.Count; i += Vector256<ushort>.Count)
            {
                var bits = Vector256.LoadUnsafe(ref Unsafe.As<byte, ushort>(ref Unsafe.Add(ref src, 2 * i)));
                var (lower, upper) = Vector256.Widen(bits);
                Vector256.ShiftLeft(lower, 16).StoreUnsafe(ref dst, (nuint)i);
                Vector256.ShiftLeft(upper, 16).StoreUnsafe(ref dst, (nuint)(i + Vector256<uint>.Count));
            }
        }
        for (; i < n; i++)
            Unsafe.Add(ref dst, i) = (uint)Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref src, 2 * i)) << 16;
    }

    /// <summary>IEEE half → float32 (exact, every half is representable), via TensorPrimitives' vectorized conversion.</summary>
    internal static void HalfToSingle(ReadOnlySpan<byte> source, Span<float> destination)
    {
        Check(source, destination, 2);
        // Span casts do not require alignment; TensorPrimitives loads are unaligned.
        TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(source), destination);
    }

    /// <summary>float32 little-endian bytes → float32 (a copy; the source may be unaligned).</summary>
    internal static void SingleToSingle(ReadOnlySpan<byte> source, Span<float> destination)
    {
        Check(source, destination, 4);
        source.CopyTo(MemoryMarshal.AsBytes(destination));
    }

    /// <summary>
    /// float32 → bfloat16, rounded to nearest even on the dropped 16 bits (NaN stays a quiet NaN with its sign); exact for
    /// every float32 that came from a bfloat16.
    /// </summary>
    internal static void SingleToBFloat16(ReadOnlySpan<float> source, Span<byte> destination)
    {
        Check(destination, source, 2);
        for (int i = 0; i < source.Length; i++)
        {
            uint bits = BitConverter.SingleToUInt32Bits(source[i]);
            ushort half = float.IsNaN(source[i])
                ? (ushort)((bits >> 16) | 0x0040)                                   // keep sign and payload top, force quiet
                : (ushort)((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);            // round to nearest, ties to even
            Unsafe.WriteUnaligned(ref destination[2 * i], half);
        }
    }

    /// <summary>float32 → IEEE half, rounded to nearest even (exact for every float32 that came from a half).</summary>
    internal static void SingleToHalf(ReadOnlySpan<float> source, Span<byte> destination)
    {
        Check(destination, source, 2);
        TensorPrimitives.ConvertToHalf(source, MemoryMarshal.Cast<byte, Half>(destination));
    }

    private static void Check(ReadOnlySpan<byte> source, ReadOnlySpan<float> destination, int elementSize)
    {
        if (source.Length != (long)destination.Length * elementSize)
            throw new ArgumentException($"source holds {source.Length} bytes, expected {destination.Length} elements × {elementSize} bytes");
    }
}
