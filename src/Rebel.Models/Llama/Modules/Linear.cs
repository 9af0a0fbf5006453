using Rebel.Models.Gpt2.Modules;
using Rebel.Models.Lora;
using Rebel.Tensors;

namespace Rebel.Models.Llama.Modules;

/// <summary>
/// PyTorch's <c>nn.Linear</c>: y = x·Wᵀ + b with W stored [out, in] (as Hugging Face checkpoints hold it) and an
/// optional bias [out]. With a LoRA adapter, y = x·Wᵀ + b + Δy.
/// </summary>
public sealed class Linear : Module, IAdaptableLinear
{
    /// <summary>
    /// A layer with W ~ N(0, <paramref name="std"/>²) drawn from <paramref name="rng"/> (W = 0 when it is null: weights
    /// about to be loaded) and, when <paramref name="bias"/>, b = 0.
    /// </summary>
    public Linear(int inputs, int outputs, bool bias, Rng? rng, float std)
    {
        Inputs = inputs;
        Outputs = outputs;
        Weight = Parameter("weight", rng is null ? Tensor.Zeros(outputs, inputs) : Tensor.Normal(rng, std, outputs, inputs)); // (out, in)
        Bias = bias ? Parameter("bias", Tensor.Zeros(outputs)) : null;         // (out)
    }

    /// <summary>A second layer over <paramref name="source"/>'s W and b (the same tensors, not copies), without its adapter.</summary>
    internal Linear(Linear source)
    {
        Inputs = source.Inputs;
        Outputs = source.Outputs;
        Weight = SharedParameter("weight", source.Weight);
        Bias = source.Bias is null ? null : SharedParameter("bias", source.Bias);
    }

    /// <summary>Input width.</summary>
    public int Inputs { get; }

    /// <summary>Output width.</summary>
    public int Outputs { get; }

    /// <summary>W, shape [out, in].</summary>
    public Tensor Weight { get; }

    /// <summary>b, shape [out], or null.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc/>
    int IAdaptableLinear.InputSize => Inputs;

    /// <inheritdoc/>
    int IAdaptableLinear.OutputSize => Outputs;

    /// <inheritdoc/>
    public bool WeightIsTransposed => false;

    /// <inheritdoc/>
    public LoraLayer? Adapter { get; set; }

    /// <summary>x [..., in] → x·Wᵀ + b (+ s·B·A·dropout(x) with an adapter) [..., out].</summary>
    public Tensor Forward(Tensor x)
    {
        var y = Tensor.MatMul(x, Weight.Transpose(0, 1));                       // (..., out) = x·Wᵀ
        if (Bias is not null) y = y + Bias;
        return Adapter is null ? y : y + Adapter.Forward(x);
    }
}
