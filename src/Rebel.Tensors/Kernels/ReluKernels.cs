using System.Numerics.Tensors;

namespace Rebel.Tensors.Kernels;

/// <summary>
/// ReLU as a Forward/Backward pair over contiguous spans of length n, shared by <see cref="Tensor.Relu"/> and the models'
/// cached inference (GPT-2 configs with <c>activation_function: relu</c>): y = max(x, 0). Backward kernels ADD into dx.
/// </summary>
/// <remarks>n is x.Length. Lengths are checked once per call, before anything is written. The gradient at x = 0 is 0.</remarks>
public static class ReluKernels
{
    /// <summary>y [n] = max(x [n], 0); y may be the same span as x.</summary>
    /// <exception cref="ArgumentException">y shorter than x.</exception>
    public static void Forward(ReadOnlySpan<float> x, Span<float> y)
    {
        KernelArguments.AtLeast("ReLU", nameof(y), y.Length, x.Length);
        TensorPrimitives.Max(x, 0f, y);                                          // y = max(x, 0)
    }

    /// <summary>dx [n] += dy ⊙ [x &gt; 0], given the forward input x [n] and dy [n].</summary>
    /// <exception cref="ArgumentException">dy or dx shorter than x.</exception>
    public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx)
    {
        KernelArguments.AtLeast("ReLU backward", nameof(dy), dy.Length, x.Length);
        KernelArguments.AtLeast("ReLU backward", nameof(dx), dx.Length, x.Length);
        for (int i = 0; i < x.Length; i++) if (x[i] > 0f) dx[i] += dy[i];        // dx += dy·[x > 0]
    }
}
