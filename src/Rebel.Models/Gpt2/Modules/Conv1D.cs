using Rebel.Models.Lora;
using Rebel.Tensors;

namespace Rebel.Models.Gpt2.Modules;

/// <summary>
/// GPT-2's affine layer (named Conv1D in the original code): y = x·W + b with W stored as [in, out], the transpose of
/// a PyTorch <c>nn.Linear</c>, so checkpoints load without reshuffling. With a LoRA adapter, y = x·W + b + Δy.
/// </summary>
public sealed class Conv1D : Module, IAdaptableLinear
{
    /// <summary>A layer with W ~ N(0, <paramref name="std"/>²) and b = 0.</summary>
    public Conv1D(int inputs, int outputs, Rng rng, float std)
    {
        Weight = Parameter("weight", Tensor.Normal(rng, std, inputs, outputs)); // (in, out)
        Bias = Parameter("bias", Tensor.Zeros(outputs));                       // (out)
    }

    /// <summary>A second layer over <paramref name="source"/>'s W and b (the same tensors, not copies), without its adapter.</summary>
    internal Conv1D(Conv1D source)
    {
        Weight = SharedParameter("weight", source.Weight);
        Bias = SharedParameter("bias", source.Bias);
    }

    /// <summary>W, shape [in, out].</summary>
    public Tensor Weight { get; }

    /// <summary>b, shape [out].</summary>
    public Tensor Bias { get; }

    /// <inheritdoc/>
    public int InputSize => Weight.Dim(0);

    /// <inheritdoc/>
    public int OutputSize => Weight.Dim(1);

    /// <inheritdoc/>
    public bool WeightIsTransposed => true;

    /// <inheritdoc/>
    public LoraLayer? Adapter { get; set; }

    /// <summary>x [..., in] → x·W + b (+ s·B·A·dropout(x) with an adapter) [..., out].</summary>
    public Tensor Forward(Tensor x)
    {
        var y = Tensor.MatMul(x, Weight) + Bias;
        return Adapter is null ? y : y + Adapter.Forward(x);
    }
}
