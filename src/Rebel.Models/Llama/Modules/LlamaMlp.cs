using Rebel.Models.Gpt2.Modules;
using Rebel.Tensors;

namespace Rebel.Models.Llama.Modules;

/// <summary>The SwiGLU feed-forward network: y = W_down·(silu(W_gate·x) ⊙ W_up·x), widths C → F → C.</summary>
public sealed class LlamaMlp : Module
{
    public LlamaMlp(LlamaConfig config, Rng? rng, float std)
    {
        GateProj = Child("gate_proj", new Linear(config.HiddenSize, config.IntermediateSize, config.MlpBias, rng, std));
        UpProj = Child("up_proj", new Linear(config.HiddenSize, config.IntermediateSize, config.MlpBias, rng, std));
        DownProj = Child("down_proj", new Linear(config.IntermediateSize, config.HiddenSize, config.MlpBias, rng, std));
    }

    /// <summary>A second module over <paramref name="source"/>'s weights (shared, not copied).</summary>
    internal LlamaMlp(LlamaMlp source)
    {
        GateProj = Child("gate_proj", new Linear(source.GateProj));
        UpProj = Child("up_proj", new Linear(source.UpProj));
        DownProj = Child("down_proj", new Linear(source.DownProj));
    }

    public Linear GateProj { get; }

    public Linear UpProj { get; }

    public Linear DownProj { get; }

    /// <summary>x [B, T, C] → [B, T, C].</summary>
    public Tensor Forward(Tensor x)
    {
        var h = Tensor.SwiGlu(GateProj.Forward(x), UpProj.Forward(x));          // (B, T, F) = silu(gate) ⊙ up
        return DownProj.Forward(h);                                              // (B, T, C)
    }
}
