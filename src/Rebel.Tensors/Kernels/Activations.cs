using System.Numerics.Tensors;

namespace Rebel.Tensors.Kernels;

/// <summary>
/// Pointwise activation kernels as Forward/Backward pairs over contiguous spans of equal length n.
/// Backward kernels ADD into dx (dx += ∂y/∂x ⊙ dy), given the forward input x and/or output y.
/// GELU and ReLU, which the models' inference also runs, have their own public kernels (<see cref="GeluKernels"/>,
/// <see cref="ReluKernels"/>).
/// </summary>
internal static class Activations
{
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
