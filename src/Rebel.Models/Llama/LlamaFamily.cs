namespace Rebel.Models.Llama;

/// <summary>The Hugging Face <c>model_type</c>s this Llama-style decoder implements.</summary>
public enum LlamaFamily
{
    /// <summary><c>llama</c>: Llama 2/3/3.x, SmolLM/SmolLM2. Biases only with <c>attention_bias</c> (q, k, v and o) or <c>mlp_bias</c>.</summary>
    Llama,

    /// <summary><c>mistral</c>: no biases; a <c>sliding_window</c>.</summary>
    Mistral,

    /// <summary><c>qwen2</c> (Qwen2, Qwen2.5): q, k and v projections carry biases.</summary>
    Qwen2,

    /// <summary><c>qwen3</c>: per-head RMSNorm of q and k before the rotary embedding; biases only with <c>attention_bias</c>.</summary>
    Qwen3,
}
