using Rebel.Models.Gpt2.Modules;
using Rebel.Tensors;

namespace Rebel.Models.Llama.Modules;

/// <summary>RMS normalization over the last axis: y = x / √(mean(x²) + ε) ⊙ γ, with γ = 1 initially.</summary>
public sealed class RmsNorm : Module
{
    public RmsNorm(int size, float epsilon)
    {
        Epsilon = epsilon;
        Weight = Parameter("weight", Tensor.Ones(size)); // γ (C)
    }

    /// <summary>A second module over <paramref name="source"/>'s γ (the same tensor, not a copy).</summary>
    internal RmsNorm(RmsNorm source)
    {
        Epsilon = source.Epsilon;
        Weight = SharedParameter("weight", source.Weight);
    }

    /// <summary>ε.</summary>
    public float Epsilon { get; }

    /// <summary>γ, shape [C].</summary>
    public Tensor Weight { get; }

    /// <summary>x [..., C] → normalized [..., C].</summary>
    public Tensor Forward(Tensor x) => Tensor.RmsNorm(x, Weight, Epsilon);
}
