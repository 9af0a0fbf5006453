using Rebel.Tensors;

namespace Rebel.Models.Gpt2.Modules;

/// <summary>A pre-norm transformer block: x + attn(ln_1(x)), then x + mlp(ln_2(x)).</summary>
public sealed class Block : Module
{
    public Block(Gpt2Config config, Rng rng)
    {
        // GPT-2 init: projections into the residual stream get std 0.02 / √(2·n_layer).
        float residualStd = 0.02f / MathF.Sqrt(2f * config.Layers);
        Ln1 = Child("ln_1", new LayerNorm(config.EmbeddingSize, config.LayerNormEpsilon));
        Attn = Child("attn", new Attention(config, rng, residualStd));
        Ln2 = Child("ln_2", new LayerNorm(config.EmbeddingSize, config.LayerNormEpsilon));
        Mlp = Child("mlp", new Mlp(config, rng, residualStd));
    }

    /// <summary>A second block over <paramref name="source"/>'s weights (shared, not copied).</summary>
    internal Block(Block source)
    {
        Ln1 = Child("ln_1", new LayerNorm(source.Ln1));
        Attn = Child("attn", new Attention(source.Attn));
        Ln2 = Child("ln_2", new LayerNorm(source.Ln2));
        Mlp = Child("mlp", new Mlp(source.Mlp));
    }

    public LayerNorm Ln1 { get; }

    public Attention Attn { get; }

    public LayerNorm Ln2 { get; }

    public Mlp Mlp { get; }

    /// <summary>x [B, T, C], key mask [B, T] or null → [B, T, C].</summary>
    public Tensor Forward(Tensor x, Tensor? keyMask)
    {
        x = x + Attn.Forward(Ln1.Forward(x), keyMask);
        return x + Mlp.Forward(Ln2.Forward(x));
    }
}
