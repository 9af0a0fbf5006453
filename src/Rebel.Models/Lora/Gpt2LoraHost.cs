using Rebel.Models.Gpt2;
using Rebel.Tensors;

namespace Rebel.Models.Lora;

/// <summary>
/// A GPT-2 model as a LoRA host: its Conv1D maps under Hugging Face's module paths
/// (<c>transformer.h.N.attn.c_attn</c>, <c>….attn.c_proj</c>, <c>….mlp.c_fc</c>, <c>….mlp.c_proj</c>), weights stored
/// [in, out] (PEFT's <c>fan_in_fan_out</c>). The fused c_attn adapts q, k and v together, as PEFT does for GPT-2.
/// </summary>
public sealed class Gpt2LoraHost(Gpt2Model model) : ILoraHost
{
    /// <summary>The model.</summary>
    public Gpt2Model Model { get; } = model ?? throw new ArgumentNullException(nameof(model));

    /// <inheritdoc/>
    public IReadOnlyList<NamedLinear> Linears { get; } = model.Blocks.SelectMany((b, i) => new NamedLinear[]
    {
        new($"transformer.h.{i}.attn.c_attn", b.Attn.CAttn),
        new($"transformer.h.{i}.attn.c_proj", b.Attn.CProj),
        new($"transformer.h.{i}.mlp.c_fc", b.Mlp.CFc),
        new($"transformer.h.{i}.mlp.c_proj", b.Mlp.CProj),
    }).ToList();

    /// <inheritdoc/>
    public IReadOnlyList<Tensor> BaseParameters => Model.Parameters.Select(p => p.Value).ToList();

    /// <inheritdoc/>
    public bool FanInFanOut => true;
}
