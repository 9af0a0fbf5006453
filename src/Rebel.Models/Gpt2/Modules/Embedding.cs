using Rebel.Tensors;

namespace Rebel.Models.Gpt2.Modules;

/// <summary>A lookup table: row i of the weight [N, C] is the vector of id i.</summary>
public sealed class Embedding : Module
{
    /// <summary>
    /// A table of <paramref name="count"/> rows of width <paramref name="size"/>, entries ~ N(0, <paramref name="std"/>²)
    /// drawn from <paramref name="rng"/> (0 when it is null: weights about to be loaded).
    /// </summary>
    public Embedding(int count, int size, Rng? rng, float std)
    {
        Weight = Parameter("weight", rng is null ? Tensor.Zeros(count, size) : Tensor.Normal(rng, std, count, size)); // (N, C)
    }

    /// <summary>A second module over <paramref name="source"/>'s table (the same tensor, not a copy).</summary>
    internal Embedding(Embedding source) => Weight = SharedParameter("weight", source.Weight);

    /// <summary>The table, shape [N, C].</summary>
    public Tensor Weight { get; }

    /// <summary>ids (row-major, <paramref name="shape"/>) → vectors [...shape, C].</summary>
    public Tensor Forward(int[] ids, params int[] shape) => Tensor.Embedding(Weight, ids, shape);
}
