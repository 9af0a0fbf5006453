using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Rebel.Tensors.Kernels;

/// <summary>
/// GELU in GPT-2's tanh form as a Forward/Backward pair over contiguous spans of length n, shared by
/// <see cref="Tensor.Gelu"/> and the models' cached inference:
/// y = ½x(1 + tanh u) with u = √(2/π)(x + 0.044715x³), computed as y = x·σ(2u) (one exponential per element).
/// Backward kernels ADD into dx.
/// </summary>
/// <remarks>
/// n is x.Length. Lengths are checked once per call, before anything is written. Eight lanes at a time where the
/// hardware has 256-bit vectors, the same formula on the scalar tail. NaN in x gives NaN in y.
/// </remarks>
public static class GeluKernels
{
    private const float SqrtTwoOverPi = 0.7978845608028654f; // √(2/π)
    private const float Cubic = 0.044715f;
    private const float TwoSqrtTwoOverPi = 2f * SqrtTwoOverPi;

    /// <summary>y [n] = x·σ(2u) = ½x(1 + tanh u), u = √(2/π)(x + 0.044715x³), for x [n]; y may be the same span as x.</summary>
    /// <exception cref="ArgumentException">y shorter than x.</exception>
    public static void Forward(ReadOnlySpan<float> x, Span<float> y)
    {
        KernelArguments.AtLeast("GELU", nameof(y), y.Length, x.Length);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float xs = ref MemoryMarshal.GetReference(x);
            ref float ys = ref MemoryMarshal.GetReference(y);
            for (; i <= x.Length - 8; i += 8)
            {
                var v = Vector256.LoadUnsafe(ref xs, (nuint)i);
                (v * Gate(v)).StoreUnsafe(ref ys, (nuint)i);                   // x·σ(2u)
            }
        }
        for (; i < x.Length; i++) y[i] = x[i] * Gate(x[i]);
    }

    /// <summary>
    /// dx [n] += dy ⊙ (σ(2u) + x·σ(2u)(1 − σ(2u))·2u′), u′ = √(2/π)(1 + 3·0.044715x²), given the forward input x [n] and dy [n]
    /// (the tanh form's ½(1 + tanh u) + ½x(1 − tanh²u)·u′, with 1 − tanh²u = 4σ(2u)(1 − σ(2u))).
    /// </summary>
    /// <exception cref="ArgumentException">dy or dx shorter than x.</exception>
    public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx)
    {
        KernelArguments.AtLeast("GELU backward", nameof(dy), dy.Length, x.Length);
        KernelArguments.AtLeast("GELU backward", nameof(dx), dx.Length, x.Length);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float xs = ref MemoryMarshal.GetReference(x);
            ref float dys = ref MemoryMarshal.GetReference(dy);
            ref float dxs = ref MemoryMarshal.GetReference(dx);
            var one = Vector256<float>.One;
            for (; i <= x.Length - 8; i += 8)
            {
                var v = Vector256.LoadUnsafe(ref xs, (nuint)i);
                var s = Gate(v);                                                 // σ(2u)
                var du2 = TwoSqrtTwoOverPi * (one + 3f * Cubic * v * v);         // 2u′
                var slope = s + v * s * (one - s) * du2;
                (Vector256.LoadUnsafe(ref dxs, (nuint)i) + Vector256.LoadUnsafe(ref dys, (nuint)i) * slope).StoreUnsafe(ref dxs, (nuint)i);
            }
        }
        for (; i < x.Length; i++)
        {
            float v = x[i], s = Gate(v);
            float du2 = TwoSqrtTwoOverPi * (1f + 3f * Cubic * v * v);
            dx[i] += dy[i] * (s + v * s * (1f - s) * du2);
        }
    }

    /// <summary>σ(2u) = 1 / (1 + e^(−2u)), 2u = 2√(2/π)(x + 0.044715x³), for 8 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Gate(Vector256<float> x)
    {
        var twoU = TwoSqrtTwoOverPi * x * (Vector256<float>.One + Cubic * x * x);
        return Vector256<float>.One / (Vector256<float>.One + Vector256.Exp(-twoU));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Gate(float x) => 1f / (1f + MathF.Exp(-TwoSqrtTwoOverPi * x * (1f + Cubic * x * x)));
}
