namespace Rebel.Models.Lora;

/// <summary>An adaptable linear map and its module path in the Hugging Face model (e.g. <c>model.layers.0.self_attn.q_proj</c>).</summary>
public sealed record NamedLinear(string Path, IAdaptableLinear Linear);
