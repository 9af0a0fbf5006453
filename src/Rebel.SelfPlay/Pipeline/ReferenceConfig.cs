using Rebel.Models.Gpt2;
using Rebel.Models.Training;

namespace Rebel.SelfPlay.Pipeline;

/// <summary>
/// How <c>rebel train</c> builds the SFT reference policy π_ref when the config names no <c>model</c>: a byte-level BPE
/// tokenizer trained on the SFT corpus, a fresh GPT-2 of the given shape, and supervised fine-tuning on the corpus.
/// The result is cached in <c>RUN_DIR/reference/</c> and reused while this section and the corpus are unchanged.
/// </summary>
public sealed record ReferenceConfig
{
    /// <summary>SFT corpus, JSONL <c>{"prompt", "completion"}</c> (relative to the config file).</summary>
    public required string SftData { get; init; }

    /// <summary>BPE vocabulary size, special tokens included. Default 320.</summary>
    public int VocabSize { get; init; } = 320;

    /// <summary>Context length in tokens (<c>n_positions</c>); prompt plus completion must fit. Default 64.</summary>
    public int NPositions { get; init; } = 64;

    /// <summary>Residual width C (<c>n_embd</c>). Default 64.</summary>
    public int NEmbd { get; init; } = 64;

    /// <summary>Transformer blocks (<c>n_layer</c>). Default 2.</summary>
    public int NLayer { get; init; } = 2;

    /// <summary>Attention heads (<c>n_head</c>); must divide <see cref="NEmbd"/>. Default 4.</summary>
    public int NHead { get; init; } = 4;

    /// <summary>SFT optimizer steps. Default 400.</summary>
    public int Steps { get; init; } = 400;

    /// <summary>SFT examples per step. Default 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Peak SFT learning rate (warmup, then cosine decay to a tenth of it). Default 3e-3.</summary>
    public double LearningRate { get; init; } = 3e-3;

    /// <summary>SFT warmup steps. Default 20.</summary>
    public int WarmupSteps { get; init; } = 20;

    /// <summary>Seed of the held-out split and the batch order, and (through its own stream,
    /// <see cref="Rebel.Models.Training.SftOptions.InitializationSeed"/>) of the initialization. Default 0.</summary>
    public ulong Seed { get; init; }

    /// <summary>The model shape (the vocabulary size is replaced by the trained tokenizer's).</summary>
    internal Gpt2Config ModelConfig(int vocabSize, int eosId) =>
        new Gpt2Config(VocabSize: vocabSize, ContextLength: NPositions, EmbeddingSize: NEmbd, Layers: NLayer, Heads: NHead,
            BosTokenId: eosId, EosTokenId: eosId).Validate();

    /// <summary>The SFT settings.</summary>
    internal SftOptions SftOptions() => new SftOptions
    {
        Steps = Steps, BatchSize = BatchSize, LearningRate = LearningRate, MinLearningRate = LearningRate / 10,
        WarmupSteps = WarmupSteps, EvalEvery = Math.Max(1, Steps / 4), Seed = Seed,
    }.Validate();

    /// <summary>Throws <see cref="ArgumentException"/> naming every invalid value.</summary>
    public ReferenceConfig Validate()
    {
        var problems = new List<string>();
        void Check(bool ok, string message) { if (!ok) problems.Add(message); }
        Check(!string.IsNullOrWhiteSpace(SftData), "reference.sft_data is required");
        Check(VocabSize >= 260, $"reference.vocab_size must be ≥ 260 (256 bytes + specials), got {VocabSize}");
        Check(NPositions >= 8, $"reference.n_positions must be ≥ 8, got {NPositions}");
        Check(NEmbd >= 1 && NHead >= 1 && NEmbd % NHead == 0, $"reference.n_embd ({NEmbd}) must be a positive multiple of n_head ({NHead})");
        Check(NLayer >= 1, $"reference.n_layer must be ≥ 1, got {NLayer}");
        Check(Steps >= 1, $"reference.steps must be ≥ 1, got {Steps}");
        Check(BatchSize >= 1, $"reference.batch_size must be ≥ 1, got {BatchSize}");
        Check(LearningRate > 0 && double.IsFinite(LearningRate), $"reference.learning_rate must be > 0, got {LearningRate}");
        Check(WarmupSteps >= 0 && WarmupSteps < Steps, $"reference.warmup_steps must be in [0, steps = {Steps}), got {WarmupSteps}");
        if (problems.Count > 0) throw new ArgumentException("Invalid reference settings: " + string.Join("; ", problems) + ".");
        return this;
    }
}
