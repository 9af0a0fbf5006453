using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Rebel.Tensors.Kernels;

/// <summary>
/// Pointwise activation kernels as Forward/Backward pairs over contiguous spans of equal length n.
/// Backward kernels ADD into dx (dx += ∂y/∂x ⊙ dy), given the forward input x and/or output y.
/// </summary>
internal static class Activations
{
    private const float SqrtTwoOverPi = 0.7978845608028654f; // √(2/π)
    private const float GeluCubic = 0.044715f;
    private const float TwoSqrtTwoOverPi = 2f * SqrtTwoOverPi;

    // ---- exp: y = eˣ, dx += dy·y
    public static void ExpForward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Exp(x, y);

    public static void ExpBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) => TensorPrimitives.FusedMultiplyAdd(dy, y, dx, dx);

    // ---- log: y = ln x, dx += dy / x
    public static void LogForward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Log(x, y);

    public static void LogBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (int i = 0; i < x.Length; i++) dx[i] += dy[i] / x[i];
    }

    // ---- tanh: y = tanh x, dx += dy·(1 − y²)
    public static void TanhForward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Tanh(x, y);

    public static void TanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (int i = 0; i < y.Length; i++) dx[i] += dy[i] * (1f - y[i] * y[i]);
    }

    // ---- sigmoid: y = σ(x) = 1/(1+e⁻ˣ), dx += dy·y·(1 − y)
    public static void SigmoidForward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Sigmoid(x, y);

    public static void SigmoidBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (int i = 0; i < y.Length; i++) dx[i] += dy[i] * y[i] * (1f - y[i]);
    }

    // ---- log-sigmoid: y = ln σ(x) = min(x, 0) − ln(1 + e^(−|x|)) (stable), dx += dy·σ(−x)
    public static void LogSigmoidForward(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            float v = x[i];
            y[i] = MathF.Min(v, 0f) - MathF.Log(1f + MathF.Exp(-MathF.Abs(v)));
        }
    }

    public static void LogSigmoidBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (int i = 0; i < x.Length; i++) dx[i] += dy[i] / (1f + MathF.Exp(x[i])); // σ(−x)
    }

    // ---- GELU, tanh form (GPT-2): y = ½x(1 + tanh u) = x·σ(2u), u = √(2/π)(x + 0.044715x³)
    // (½(1 + tanh u) = σ(2u), so one exponential per element: σ(2u) = 1 / (1 + e^(−2u)).)
    public static void GeluForward(ReadOnlySpan<float> x, Span<float> y)
    {
        if (y.Length < x.Length) throw new ArgumentException("GELU: output shorter than input.", nameof(y));
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float xs = ref MemoryMarshal.GetReference(x);
            ref float ys = ref MemoryMarshal.GetReference(y);
            for (; i <= x.Length - 8; i += 8)
            {
                var v = Vector256.LoadUnsafe(ref xs, (nuint)i);
                (v * GeluGate(v)).StoreUnsafe(ref ys, (nuint)i);               // x·σ(2u)
            }
        }
        for (; i < x.Length; i++) y[i] = x[i] * GeluGate(x[i]);
    }

    // dy/dx = σ(2u) + x·σ(2u)(1 − σ(2u))·2u′, u′ = √(2/π)(1 + 3·0.044715x²)
    // (the tanh form's ½(1 + tanh u) + ½x(1 − tanh²u)·u′ with 1 − tanh²u = 4σ(2u)(1 − σ(2u)))
    public static void GeluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx)
    {
        if (dy.Length < x.Length || dx.Length < x.Length) throw new ArgumentException("GELU: gradient shorter than input.", nameof(dx));
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
                var s = GeluGate(v);                                             // σ(2u)
                var du2 = TwoSqrtTwoOverPi * (one + 3f * GeluCubic * v * v);     // 2u′
                var slope = s + v * s * (one - s) * du2;
                (Vector256.LoadUnsafe(ref dxs, (nuint)i) + Vector256.LoadUnsafe(ref dys, (nuint)i) * slope).StoreUnsafe(ref dxs, (nuint)i);
            }
        }
        for (; i < x.Length; i++)
        {
            float v = x[i], s = GeluGate(v);
            float du2 = TwoSqrtTwoOverPi * (1f + 3f * GeluCubic * v * v);
            dx[i] += dy[i] * (s + v * s * (1f - s) * du2);
        }
    }

    /// <summary>σ(2u) = 1 / (1 + e^(−2u)), 2u = 2√(2/π)(x + 0.044715x³), for 8 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> GeluGate(Vector256<float> x)
    {
        var twoU = TwoSqrtTwoOverPi * x * (Vector256<float>.One + GeluCubic * x * x);
        return Vector256<float>.One / (Vector256<float>.One + Vector256.Exp(-twoU));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float GeluGate(float x) => 1f / (1f + MathF.Exp(-TwoSqrtTwoOverPi * x * (1f + GeluCubic * x * x)));

    // ---- ReLU: y = max(x, 0), dx += dy·[x > 0]
    public static void ReluForward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Max(x, 0f, y);

    public static void ReluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (int i = 0; i < x.Length; i++) if (x[i] > 0f) dx[i] += dy[i];
    }

    // ---- square: y = x², dx += 2x·dy
    public static void SquareForward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Multiply(x, x, y);

    public static void SquareBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (int i = 0; i < x.Length; i++) dx[i] += 2f * x[i] * dy[i];
    }

    // ---- sqrt: y = √x, dx += dy / (2y)
    public static void SqrtForward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Sqrt(x, y);

    public static void SqrtBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (int i = 0; i < y.Length; i++) dx[i] += dy[i] / (2f * y[i]);
    }
}
