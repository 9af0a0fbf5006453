using Rebel.Models.Gpt2.Modules;
using Rebel.Tensors;

namespace Rebel.Models.Llama.Modules;

/// <summary>A pre-norm decoder layer: x + attn(input_layernorm(x)), then x + mlp(post_attention_layernorm(x)).</summary>
public sealed class LlamaBlock : Module
{
    public LlamaBlock(LlamaConfig config, Rng? rng, float std)
    {
        SelfAttn = Child("self_attn", new LlamaAttention(config, rng, std));
        Mlp = Child("mlp", new LlamaMlp(config, rng, std));
        InputLayerNorm = Child("input_layernorm", new RmsNorm(config.HiddenSize, config.RmsNormEps));
        PostAttentionLayerNorm = Child("post_attention_layernorm", new RmsNorm(config.HiddenSize, config.RmsNormEps));
    }

    /// <summary>A second block over <paramref name="source"/>'s weights (shared, not copied).</summary>
    internal LlamaBlock(LlamaBlock source)
    {
        SelfAttn = Child("self_attn", new LlamaAttention(source.SelfAttn));
        Mlp = Child("mlp", new LlamaMlp(source.Mlp));
        InputLayerNorm = Child("input_layernorm", new RmsNorm(source.InputLayerNorm));
        PostAttentionLayerNorm = Child("post_attention_layernorm", new RmsNorm(source.PostAttentionLayerNorm));
    }

    public LlamaAttention SelfAttn { get; }

    public LlamaMlp Mlp { get; }

    public RmsNorm InputLayerNorm { get; }

    public RmsNorm PostAttentionLayerNorm { get; }

    /// <summary>x [B, T, C] → [B, T, C].</summary>
    public Tensor Forward(Tensor x, int[] positions, RotaryTable rotary, Tensor? keyMask)
    {
        x = x + SelfAttn.Forward(InputLayerNorm.Forward(x), positions, rotary, keyMask);
        return x + Mlp.Forward(PostAttentionLayerNorm.Forward(x));
    }
}
