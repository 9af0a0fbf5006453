using Rebel.Tensors;

namespace Rebel.Models.Gpt2.Modules;

/// <summary>The position-wise feed-forward network: y = act(x·W_fc + b)·W_proj + b, widths C → 4C → C.</summary>
public sealed class Mlp : Module
{
    private readonly Gpt2Activation _activation;

    public Mlp(Gpt2Config config, Rng rng, float residualStd)
    {
        _activation = config.Activation;
        CFc = Child("c_fc", new Conv1D(config.EmbeddingSize, config.MlpSize, rng, 0.02f));
        CProj = Child("c_proj", new Conv1D(config.MlpSize, config.EmbeddingSize, rng, residualStd));
    }

    /// <summary>The expansion, [C, 4C].</summary>
    /// <summary>A second module over <paramref name="source"/>'s weights (shared, not copied).</summary>
    internal Mlp(Mlp source)
    {
        _activation = source._activation;
        CFc = Child("c_fc", new Conv1D(source.CFc));
        CProj = Child("c_proj", new Conv1D(source.CProj));
    }

    public Conv1D CFc { get; }

    /// <summary>The projection back, [4C, C].</summary>
    public Conv1D CProj { get; }

    /// <summary>x [B, T, C] → [B, T, C].</summary>
    public Tensor Forward(Tensor x)
    {
        var h = CFc.Forward(x);                                                  // (B, T, 4C)
        h = _activation == Gpt2Activation.Relu ? h.Relu() : h.Gelu();
        return CProj.Forward(h);                                                 // (B, T, C)
    }
}
