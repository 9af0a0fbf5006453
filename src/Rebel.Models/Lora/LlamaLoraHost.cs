using Rebel.Models.Llama;
using Rebel.Tensors;

namespace Rebel.Models.Lora;

/// <summary>
/// A Llama-family model as a LoRA host: its seven projections per layer under Hugging Face's module paths
/// (<c>model.layers.N.self_attn.{q,k,v,o}_proj</c>, <c>model.layers.N.mlp.{gate,up,down}_proj</c>), weights stored
/// [out, in]. The output head is not adaptable.
/// </summary>
public sealed class LlamaLoraHost(LlamaModel model) : ILoraHost
{
    /// <summary>The model.</summary>
    public LlamaModel Model { get; } = model ?? throw new ArgumentNullException(nameof(model));

    /// <inheritdoc/>
    public IReadOnlyList<NamedLinear> Linears { get; } = model.Layers.SelectMany((b, i) => new NamedLinear[]
    {
        new($"model.layers.{i}.self_attn.q_proj", b.SelfAttn.QProj),
        new($"model.layers.{i}.self_attn.k_proj", b.SelfAttn.KProj),
        new($"model.layers.{i}.self_attn.v_proj", b.SelfAttn.VProj),
        new($"model.layers.{i}.self_attn.o_proj", b.SelfAttn.OProj),
        new($"model.layers.{i}.mlp.gate_proj", b.Mlp.GateProj),
        new($"model.layers.{i}.mlp.up_proj", b.Mlp.UpProj),
        new($"model.layers.{i}.mlp.down_proj", b.Mlp.DownProj),
    }).ToList();

    /// <inheritdoc/>
    public IReadOnlyList<Tensor> BaseParameters => Model.Parameters.Select(p => p.Value).ToList();

    /// <inheritdoc/>
    public bool FanInFanOut => false;
}
