using Rebel.Tensors;

namespace Rebel.Models.Gpt2.Modules;

/// <summary>
/// GPT-2's affine layer (named Conv1D in the original code): y = x·W + b with W stored as [in, out], the transpose of
/// a PyTorch <c>nn.Linear</c>, so checkpoints load without reshuffling.
/// </summary>
public sealed class Conv1D : Module
{
    /// <summary>A layer with W ~ N(0, <paramref name="std"/>²) and b = 0.</summary>
    public Conv1D(int inputs, int outputs, Rng rng, float std)
    {
        Weight = Parameter("weight", Tensor.Normal(rng, std, inputs, outputs)); // (in, out)
        Bias = Parameter("bias", Tensor.Zeros(outputs));                       // (out)
    }

    /// <summary>W, shape [in, out].</summary>
    public Tensor Weight { get; }

    /// <summary>b, shape [out].</summary>
    public Tensor Bias { get; }

    /// <summary>x [..., in] → x·W + b [..., out].</summary>
    public Tensor Forward(Tensor x) => Tensor.MatMul(x, Weight) + Bias;
}
