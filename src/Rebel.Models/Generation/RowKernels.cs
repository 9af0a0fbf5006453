using System.Numerics.Tensors;

namespace Rebel.Models.Generation;

// Inference kernels over rows of a [N, C] matrix (no autograd). Legend: N rows (tokens), C width.
internal static class RowKernels
{
    private const float GeluScale = 0.7978845608028654f; // √(2/π)

    /// <summary>y = (x − μ) / √(σ² + ε) · γ + β for each row of x [N, C].</summary>
    public static void LayerNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, float eps, Span<float> y, int rows)
    {
        int c = gamma.Length;
        for (int r = 0; r < rows; r++)
        {
            var xr = x.Slice(r * c, c);
            var yr = y.Slice(r * c, c);
            float mean = TensorPrimitives.Sum(xr) / c;                       // μ
            TensorPrimitives.Subtract(xr, mean, yr);                         // x − μ
            float variance = TensorPrimitives.SumOfSquares(yr) / c;          // σ² (biased, as PyTorch)
            float rstd = 1f / MathF.Sqrt(variance + eps);
            TensorPrimitives.Multiply(yr, rstd, yr);
            TensorPrimitives.FusedMultiplyAdd(yr, gamma, beta, yr);          // · γ + β
        }
    }

    /// <summary>Adds the bias b [C] to every row of y [N, C].</summary>
    public static void AddBias(Span<float> y, ReadOnlySpan<float> bias, int rows)
    {
        int c = bias.Length;
        for (int r = 0; r < rows; r++)
        {
            var yr = y.Slice(r * c, c);
            TensorPrimitives.Add(yr, bias, yr);
        }
    }

    /// <summary>GELU, tanh form, in place: x ← ½x(1 + tanh(√(2/π)(x + 0.044715x³))); <paramref name="scratch"/> as long as x.</summary>
    public static void GeluTanh(Span<float> x, Span<float> scratch)
    {
        var t = scratch[..x.Length];
        TensorPrimitives.Multiply(x, x, t);                                  // x²
        TensorPrimitives.Multiply(t, 0.044715f, t);
        TensorPrimitives.Add(t, 1f, t);                                      // 1 + 0.044715x²
        TensorPrimitives.Multiply(t, x, t);                                  // x + 0.044715x³
        TensorPrimitives.Multiply(t, GeluScale, t);
        TensorPrimitives.Tanh(t, t);
        TensorPrimitives.Multiply(t, 0.5f, t);
        TensorPrimitives.Add(t, 0.5f, t);                                    // ½(1 + tanh(·))
        TensorPrimitives.Multiply(x, t, x);
    }

    /// <summary>ReLU in place.</summary>
    public static void Relu(Span<float> x) => TensorPrimitives.Max(x, 0f, x);

    /// <summary>ln softmax(z) in place; returns nothing. Stable: z − max − ln Σ exp(z − max).</summary>
    public static void LogSoftmax(Span<float> z)
    {
        float max = TensorPrimitives.Max(z);
        TensorPrimitives.Subtract(z, max, z);
        float sum = 0f;
        foreach (var v in z) sum += MathF.Exp(v);
        TensorPrimitives.Subtract(z, MathF.Log(sum), z);
    }
}
