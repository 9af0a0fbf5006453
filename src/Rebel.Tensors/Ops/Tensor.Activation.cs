using Rebel.Tensors.Kernels;

namespace Rebel.Tensors;

// Pointwise functions; kernels in Kernels/Activations.cs, Kernels/GeluKernels.cs and Kernels/ReluKernels.cs.
public sealed partial class Tensor
{
    private delegate void PointwiseForward(ReadOnlySpan<float> x, Span<float> y);

    private delegate void PointwiseBackward(ReadOnlySpan<float> saved, ReadOnlySpan<float> dy, Span<float> dx);

    /// <summary>eˣ elementwise.</summary>
    public Tensor Exp() => Pointwise("Exp", Activations.ExpForward, Activations.ExpBackward, savesOutput: true);

    /// <summary>ln x elementwise (x ≤ 0 gives NaN/−∞ as in IEEE arithmetic).</summary>
    public Tensor Log() => Pointwise("Log", Activations.LogForward, Activations.LogBackward, savesOutput: false);

    /// <summary>tanh x elementwise.</summary>
    public Tensor Tanh() => Pointwise("Tanh", Activations.TanhForward, Activations.TanhBackward, savesOutput: true);

    /// <summary>σ(x) = 1 / (1 + e⁻ˣ) elementwise.</summary>
    public Tensor Sigmoid() => Pointwise("Sigmoid", Activations.SigmoidForward, Activations.SigmoidBackward, savesOutput: true);

    /// <summary>ln σ(x), computed stably as min(x, 0) − ln(1 + e^(−|x|)).</summary>
    public Tensor LogSigmoid() => Pointwise("LogSigmoid", Activations.LogSigmoidForward, Activations.LogSigmoidBackward, savesOutput: false);

    /// <summary>GELU in GPT-2's tanh form: ½x(1 + tanh(√(2/π)(x + 0.044715x³))).</summary>
    public Tensor Gelu() => Pointwise("Gelu", GeluKernels.Forward, GeluKernels.Backward, savesOutput: false);

    /// <summary>max(x, 0) elementwise (gradient 0 at x = 0).</summary>
    public Tensor Relu() => Pointwise("Relu", ReluKernels.Forward, ReluKernels.Backward, savesOutput: false);

    /// <summary>x² elementwise.</summary>
    public Tensor Square() => Pointwise("Square", Activations.SquareForward, Activations.SquareBackward, savesOutput: false);

    /// <summary>√x elementwise.</summary>
    public Tensor Sqrt() => Pointwise("Sqrt", Activations.SqrtForward, Activations.SqrtBackward, savesOutput: true);

    private Tensor Pointwise(string op, PointwiseForward forward, PointwiseBackward backward, bool savesOutput)
    {
        var x = Contiguous();
        var y = Empty(ShapeArray, clear: false);
        forward(x.AsSpan(), y.AsSpan());
        if (!Records(this)) return y;
        return y.Record(op, [this], g =>
        {
            var dx = Empty(ShapeArray, clear: true);
            var gc = g.Contiguous();
            backward(savesOutput ? y.AsSpan() : x.AsSpan(), gc.AsSpan(), dx.AsSpan());
            AccumulateGrad(this, dx);
        });
    }
}
