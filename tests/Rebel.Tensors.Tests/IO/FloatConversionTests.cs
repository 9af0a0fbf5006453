using Rebel.Tensors.IO;

namespace Rebel.Tensors.Tests.IO;

/// <summary>Exhaustive checks of the 16-bit → float32 conversions over all 65536 bit patterns, at odd alignments.</summary>
public class FloatConversionTests
{
    private static byte[] AllPatterns(int misalign)
    {
        var bytes = new byte[misalign + 2 * 65536];
        for (int i = 0; i < 65536; i++)
        {
            bytes[misalign + 2 * i] = (byte)i;
            bytes[misalign + 2 * i + 1] = (byte)(i >> 8);
        }
        return bytes;
    }

    [TestCase(0)]
    [TestCase(1)]
    public void BFloat16ToSingle_AllPatterns_EqualsUpperHalfOfFloat32(int misalign)
    {
        var dst = new float[65536];
        FloatConversion.BFloat16ToSingle(AllPatterns(misalign).AsSpan(misalign), dst);
        for (int i = 0; i < 65536; i++)
            if (BitConverter.SingleToUInt32Bits(dst[i]) != (uint)i << 16)
                Assert.Fail($"bf16 0x{i:X4} → 0x{BitConverter.SingleToUInt32Bits(dst[i]):X8}, expected 0x{(uint)i << 16:X8}");
        Assert.That(dst[0x3F80], Is.EqualTo(1f));
        Assert.That(dst[0xC020], Is.EqualTo(-2.5f));
    }

    [TestCase(0)]
    [TestCase(1)]
    public void HalfToSingle_AllPatterns_EqualsScalarConversion(int misalign)
    {
        var dst = new float[65536];
        FloatConversion.HalfToSingle(AllPatterns(misalign).AsSpan(misalign), dst);
        for (int i = 0; i < 65536; i++)
        {
            float expected = (float)BitConverter.UInt16BitsToHalf((ushort)i);
            bool same = float.IsNaN(expected) ? float.IsNaN(dst[i]) : BitConverter.SingleToUInt32Bits(dst[i]) == BitConverter.SingleToUInt32Bits(expected);
            if (!same) Assert.Fail($"f16 0x{i:X4} → {dst[i]}, expected {expected}");
        }
        Assert.That(dst[0x3C00], Is.EqualTo(1f));
        Assert.That(dst[0x0001], Is.EqualTo(MathF.Pow(2, -24)), "smallest subnormal half");
        Assert.That(dst[0x7BFF], Is.EqualTo(65504f));
    }

    [Test]
    public void Conversions_LengthMismatch_Throw()
    {
        Assert.Throws<ArgumentException>(() => FloatConversion.BFloat16ToSingle(new byte[6], new float[4]));
        Assert.Throws<ArgumentException>(() => FloatConversion.HalfToSingle(new byte[8], new float[3]));
        Assert.Throws<ArgumentException>(() => FloatConversion.SingleToSingle(new byte[8], new float[3]));
    }
}
