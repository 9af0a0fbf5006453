using Rebel.Models.Llama;

namespace Rebel.Benchmarks;

/// <summary>
/// The Llama-family shape the benchmarks use for <c>--model-type llama</c>: SmolLM2-135M's (hidden 576, 30 layers,
/// 9 query heads, 3 key/value heads, MLP 1536, vocabulary 49152, tied embeddings, θ = 10000), randomly initialized,
/// with the number of layers open so that smoke tests stay small. bench/pytorch/train_step.py builds the same shape.
/// </summary>
internal static class SmolLm2Shape
{
    /// <summary>The <c>--model-type</c> values the training-step and generation benchmarks accept.</summary>
    public static readonly string[] ModelTypes = ["gpt2", "llama"];

    /// <summary>SmolLM2-135M's number of decoder layers.</summary>
    public const int Layers = 30;

    /// <summary>SmolLM2-135M's vocabulary size.</summary>
    public const int VocabSize = 49152;

    /// <summary>SmolLM2-135M's hidden size.</summary>
    public const int HiddenSize = 576;

    /// <summary>The config with <paramref name="layers"/> decoder layers and room for <paramref name="maxPositions"/> tokens.</summary>
    public static LlamaConfig Config(int layers, int maxPositions) =>
        LlamaConfig.Create(LlamaFamily.Llama, VocabSize, HiddenSize, intermediateSize: 1536, layers, heads: 9, kvHeads: 3,
            maxPositions, tieWordEmbeddings: true) with { RopeTheta = 10000, RmsNormEps = 1e-5f };
}
