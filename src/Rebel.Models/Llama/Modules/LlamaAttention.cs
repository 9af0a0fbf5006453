using Rebel.Models.Gpt2.Modules;
using Rebel.Tensors;

namespace Rebel.Models.Llama.Modules;

/// <summary>
/// Grouped-query causal self-attention with rotary embeddings: q = x·W_qᵀ (+b) [H·D], k, v = x·W_{k,v}ᵀ (+b) [Hkv·D];
/// for qwen3 each head of q and k is RMS-normalized; q and k are rotated by position; each KV head serves G = H/Hkv
/// query heads; y = softmax(q·kᵀ/√D + causal and padding mask)·v, heads concatenated, then o_proj.
/// </summary>
public sealed class LlamaAttention : Module
{
    private readonly LlamaConfig _config;

    public LlamaAttention(LlamaConfig config, Rng? rng, float std)
    {
        _config = config;
        int c = config.HiddenSize, q = config.Heads * config.HeadDim, kv = config.KvHeads * config.HeadDim;
        QProj = Child("q_proj", new Linear(c, q, config.AttentionBias, rng, std));
        KProj = Child("k_proj", new Linear(c, kv, config.AttentionBias, rng, std));
        VProj = Child("v_proj", new Linear(c, kv, config.AttentionBias, rng, std));
        OProj = Child("o_proj", new Linear(q, c, config.OutputBias, rng, std));
        if (config.QkNorm)
        {
            QNorm = Child("q_norm", new RmsNorm(config.HeadDim, config.RmsNormEps));
            KNorm = Child("k_norm", new RmsNorm(config.HeadDim, config.RmsNormEps));
        }
    }

    /// <summary>A second module over <paramref name="source"/>'s weights (shared, not copied).</summary>
    internal LlamaAttention(LlamaAttention source)
    {
        _config = source._config;
        QProj = Child("q_proj", new Linear(source.QProj));
        KProj = Child("k_proj", new Linear(source.KProj));
        VProj = Child("v_proj", new Linear(source.VProj));
        OProj = Child("o_proj", new Linear(source.OProj));
        if (source.QNorm is not null) QNorm = Child("q_norm", new RmsNorm(source.QNorm));
        if (source.KNorm is not null) KNorm = Child("k_norm", new RmsNorm(source.KNorm));
    }

    public Linear QProj { get; }

    public Linear KProj { get; }

    public Linear VProj { get; }

    public Linear OProj { get; }

    /// <summary>qwen3's per-head RMSNorm of q (over D), or null.</summary>
    public RmsNorm? QNorm { get; }

    /// <summary>qwen3's per-head RMSNorm of k (over D), or null.</summary>
    public RmsNorm? KNorm { get; }

    /// <summary>x [B, T, C], token positions (B·T), the rotary table and an optional key mask [B, T] → [B, T, C].</summary>
    public Tensor Forward(Tensor x, int[] positions, RotaryTable rotary, Tensor? keyMask)
    {
        var q = QProj.Forward(x);                                                // (B, T, H·D)
        var k = KProj.Forward(x);                                                // (B, T, Hkv·D)
        var v = VProj.Forward(x);                                                // (B, T, Hkv·D)
        int b = x.Dim(0), t = x.Dim(1), h = _config.Heads, hkv = _config.KvHeads, d = _config.HeadDim;
        if (QNorm is not null) q = QNorm.Forward(q.Reshape(b, t, h, d)).Reshape(b, t, h * d);         // per head, over D
        if (KNorm is not null) k = KNorm.Forward(k.Reshape(b, t, hkv, d)).Reshape(b, t, hkv * d);
        q = Tensor.Rope(q, positions, _config.Heads, rotary);
        k = Tensor.Rope(k, positions, _config.KvHeads, rotary);
        k = Tensor.RepeatHeads(k, _config.KvHeads, _config.Groups);             // (B, T, H·D), KV head h/G for query head h
        v = Tensor.RepeatHeads(v, _config.KvHeads, _config.Groups);
        var y = Tensor.CausalSelfAttention(q, k, v, _config.Heads, keyMask);    // (B, T, H·D)
        return OProj.Forward(y);                                                 // (B, T, C)
    }
}
