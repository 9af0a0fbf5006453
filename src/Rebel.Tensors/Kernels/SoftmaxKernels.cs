using System.Numerics.Tensors;

namespace Rebel.Tensors.Kernels;

/// <summary>
/// Softmax and log-softmax along the last axis as Forward/Backward pairs over contiguous row-major spans.
/// Dimension legend: R rows (every leading axis folded together), N entries per row (the softmax axis).
/// Backward kernels ADD into dx.
/// </summary>
internal static class SoftmaxKernels
{
    /// <summary>Elements per chunk of a row temporary kept on the stack.</summary>
    private const int Chunk = 512;

    /// <summary>y[r] = softmax(x[r]) for rows x, y [R, N], computed as e^(x − max x) / Σ e^(x − max x).</summary>
    public static void Forward(ReadOnlySpan<float> x, Span<float> y, int n)
    {
        for (int o = 0; o + n <= x.Length && n > 0; o += n)
        {
            var xr = x.Slice(o, n);
            var yr = y.Slice(o, n);
            float max = TensorPrimitives.Max(xr);
            TensorPrimitives.Subtract(xr, max, yr);               // x − max (stability: largest exponent is 0)
            TensorPrimitives.Exp(yr, yr);                         // e^(x − max)
            TensorPrimitives.Multiply(yr, 1f / TensorPrimitives.Sum(yr), yr); // y = e^(x − max) / Σ e^(x − max)
        }
    }

    /// <summary>dx[r] += y ⊙ (dy − ⟨dy, y⟩) for rows y, dy, dx [R, N] (the softmax Jacobian-vector product).</summary>
    public static void Backward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int n)
    {
        for (int o = 0; o + n <= y.Length && n > 0; o += n)
        {
            var yr = y.Slice(o, n);
            var dyr = dy.Slice(o, n);
            var dxr = dx.Slice(o, n);
            float dot = TensorPrimitives.Dot(dyr, yr);           // ⟨dy, y⟩
            TensorPrimitives.FusedMultiplyAdd(yr, dyr, dxr, dxr); // dx += y·dy
            TensorPrimitives.FusedMultiplyAdd(yr, -dot, dxr, dxr); // dx −= ⟨dy, y⟩·y
        }
    }

    /// <summary>y[r] = log softmax(x[r]) = x − max − ln Σ e^(x − max) for rows x, y [R, N].</summary>
    public static void LogForward(ReadOnlySpan<float> x, Span<float> y, int n)
    {
        for (int o = 0; o + n <= x.Length && n > 0; o += n)
        {
            var xr = x.Slice(o, n);
            var yr = y.Slice(o, n);
            float max = TensorPrimitives.Max(xr);
            TensorPrimitives.Subtract(xr, max, yr);               // x − max
            TensorPrimitives.Exp(yr, yr);                         // e^(x − max)
            float lse = max + MathF.Log(TensorPrimitives.Sum(yr)); // ln Σ eˣ = max + ln Σ e^(x − max)
            TensorPrimitives.Subtract(xr, lse, yr);               // y = x − ln Σ eˣ
        }
    }

    /// <summary>dx[r] += dy − e^y · Σ dy for rows y (log-probabilities), dy, dx [R, N].</summary>
    public static void LogBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int n)
    {
        Span<float> p = stackalloc float[Chunk];
        for (int o = 0; o + n <= y.Length && n > 0; o += n)
        {
            var dyr = dy.Slice(o, n);
            float sum = TensorPrimitives.Sum(dyr);               // Σ dy
            for (int c = 0; c < n; c += Chunk)
            {
                int len = Math.Min(Chunk, n - c);
                var pc = p[..len];
                var dxc = dx.Slice(o + c, len);
                TensorPrimitives.Exp(y.Slice(o + c, len), pc);    // softmax = e^y
                TensorPrimitives.Add(dxc, dyr.Slice(c, len), dxc); // dx += dy
                TensorPrimitives.FusedMultiplyAdd(pc, -sum, dxc, dxc); // dx −= softmax · Σ dy
            }
        }
    }
}
