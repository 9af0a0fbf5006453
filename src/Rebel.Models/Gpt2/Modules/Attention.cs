using Rebel.Tensors;

namespace Rebel.Models.Gpt2.Modules;

/// <summary>
/// Multi-head causal self-attention: q, k, v = x·W_attn + b (one fused projection, [C, 3C]), per head
/// softmax(q·kᵀ/√D + causal and padding mask)·v, heads concatenated, then y·W_proj + b.
/// </summary>
public sealed class Attention : Module
{
    private readonly int _heads;

    public Attention(Gpt2Config config, Rng rng, float residualStd)
    {
        _heads = config.Heads;
        CAttn = Child("c_attn", new Conv1D(config.EmbeddingSize, 3 * config.EmbeddingSize, rng, 0.02f));
        CProj = Child("c_proj", new Conv1D(config.EmbeddingSize, config.EmbeddingSize, rng, residualStd));
    }

    /// <summary>The fused q, k, v projection, [C, 3C].</summary>
    /// <summary>A second module over <paramref name="source"/>'s weights (shared, not copied).</summary>
    internal Attention(Attention source)
    {
        _heads = source._heads;
        CAttn = Child("c_attn", new Conv1D(source.CAttn));
        CProj = Child("c_proj", new Conv1D(source.CProj));
    }

    public Conv1D CAttn { get; }

    /// <summary>The output projection, [C, C].</summary>
    public Conv1D CProj { get; }

    /// <summary>x [B, T, C] and an optional key mask [B, T] (1 = token, 0 = padding) → [B, T, C].</summary>
    public Tensor Forward(Tensor x, Tensor? keyMask)
    {
        int c = x.Dim(-1);
        var qkv = CAttn.Forward(x);                                              // (B, T, 3C)
        var parts = qkv.Split(-1, c, c, c);                                      // 3 × (B, T, C), strided views
        var y = Tensor.CausalSelfAttention(parts[0], parts[1], parts[2], _heads, keyMask); // (B, T, C)
        return CProj.Forward(y);                                                 // (B, T, C)
    }
}
