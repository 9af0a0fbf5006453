using Rebel.Tensors;

namespace Rebel.Models.Gpt2.Modules;

/// <summary>Layer normalization over the last axis: y = (x − μ) / √(σ² + ε) · γ + β, with γ = 1, β = 0 initially.</summary>
public sealed class LayerNorm : Module
{
    public LayerNorm(int size, float epsilon)
    {
        Epsilon = epsilon;
        Weight = Parameter("weight", Tensor.Ones(size)); // γ (C)
        Bias = Parameter("bias", Tensor.Zeros(size));    // β (C)
    }

    /// <summary>A second module over <paramref name="source"/>'s γ and β (the same tensors, not copies).</summary>
    internal LayerNorm(LayerNorm source)
    {
        Epsilon = source.Epsilon;
        Weight = SharedParameter("weight", source.Weight);
        Bias = SharedParameter("bias", source.Bias);
    }

    /// <summary>ε.</summary>
    public float Epsilon { get; }

    /// <summary>γ, shape [C].</summary>
    public Tensor Weight { get; }

    /// <summary>β, shape [C].</summary>
    public Tensor Bias { get; }

    /// <summary>x [..., C] → normalized [..., C].</summary>
    public Tensor Forward(Tensor x) => Tensor.LayerNorm(x, Weight, Bias, Epsilon);
}
