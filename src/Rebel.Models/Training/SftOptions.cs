using Rebel.Tensors;

namespace Rebel.Models.Training;

/// <summary>Settings of supervised fine-tuning (<see cref="SftTrainer"/>). Immutable; <see cref="Validate"/> checks them together.</summary>
public sealed record SftOptions
{
    /// <summary>Optimizer steps (default 300).</summary>
    public int Steps { get; init; } = 300;

    /// <summary>Examples per step (default 16).</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>
    /// Micro-batches each step's batch is split into (default 1: all at once). Their gradients add up to the batch's:
    /// each micro-batch's loss is its completion tokens' summed NLL divided by the whole batch's token count, so the
    /// update equals the one-shot update (to rounding) while only one micro-batch's activations are alive at a time.
    /// </summary>
    public int GradientAccumulationSteps { get; init; } = 1;

    /// <summary>Activation checkpointing per block while training (default false; see <see cref="ICausalLanguageModel.CheckpointBlocks"/>).</summary>
    public bool CheckpointBlocks { get; init; }

    /// <summary>η_peak of AdamW (default 1e-3), reached after <see cref="WarmupSteps"/> and decayed by a cosine to
    /// <see cref="MinLearningRate"/> at the last step.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Linear warmup steps (default 20).</summary>
    public int WarmupSteps { get; init; } = 20;

    /// <summary>η at the end of the cosine decay (default 1e-4).</summary>
    public double MinLearningRate { get; init; } = 1e-4;

    /// <summary>λ, AdamW's decoupled weight decay (default 0.01).</summary>
    public double WeightDecay { get; init; } = 0.01;

    /// <summary>Gradients are clipped to this global L2 norm (default 1).</summary>
    public double MaxGradNorm { get; init; } = 1.0;

    /// <summary>Fraction of the examples held out for the eval loss (default 0.1; at least one example is held out
    /// and at least one kept for training).</summary>
    public double EvalFraction { get; init; } = 0.1;

    /// <summary>Evaluate the held-out loss every this many steps, and after the last (default 50).</summary>
    public int EvalEvery { get; init; } = 50;

    /// <summary>Write a checkpoint every this many steps (0 = only the final model; default 0).</summary>
    public int CheckpointEvery { get; init; }

    /// <summary>
    /// The run's seed (default 0). The split and the batch order draw from a generator seeded with it; a fresh model
    /// trained with these options is initialized from its own stream of it, <see cref="InitializationSeed"/>.
    /// </summary>
    public ulong Seed { get; init; }

    /// <summary>
    /// The stream of <see cref="Seed"/> that a fresh model's initial weights are drawn from (docs/randomness.md), so that
    /// the initializer and the trainer never draw the same sequence.
    /// </summary>
    public const ulong InitializationStream = 1;

    /// <summary>
    /// The seed to initialize a fresh model with before training it with these options:
    /// <c>Rng.DeriveSeed(Seed, InitializationStream)</c>. <c>rebel sft --config</c> and the <c>reference</c> stage of
    /// <c>rebel train</c> both use it, so the same seed and shape give the same initial weights in both.
    /// </summary>
    public ulong InitializationSeed() => Rng.DeriveSeed(Seed, InitializationStream);

    /// <summary>Throws <see cref="ArgumentException"/> naming the setting and its value when out of range.</summary>
    public SftOptions Validate()
    {
        static void Check(bool ok, string message)
        {
            if (!ok) throw new ArgumentException("SftOptions: " + message);
        }
        Check(Steps >= 1, $"Steps must be ≥ 1, got {Steps}.");
        Check(BatchSize >= 1, $"BatchSize must be ≥ 1, got {BatchSize}.");
        Check(GradientAccumulationSteps >= 1 && GradientAccumulationSteps <= BatchSize,
            $"GradientAccumulationSteps must be in [1, BatchSize = {BatchSize}], got {GradientAccumulationSteps}.");
        Check(LearningRate > 0 && double.IsFinite(LearningRate), $"LearningRate must be positive, got {LearningRate}.");
        Check(MinLearningRate >= 0 && MinLearningRate <= LearningRate, $"MinLearningRate must be in [0, LearningRate = {LearningRate}], got {MinLearningRate}.");
        Check(WarmupSteps >= 0 && WarmupSteps < Steps, $"WarmupSteps must be in [0, Steps = {Steps}), got {WarmupSteps}.");
        Check(WeightDecay >= 0, $"WeightDecay must be ≥ 0, got {WeightDecay}.");
        Check(MaxGradNorm > 0, $"MaxGradNorm must be positive, got {MaxGradNorm}.");
        Check(EvalFraction > 0 && EvalFraction < 1, $"EvalFraction must be in (0, 1), got {EvalFraction}.");
        Check(EvalEvery >= 1, $"EvalEvery must be ≥ 1, got {EvalEvery}.");
        Check(CheckpointEvery >= 0, $"CheckpointEvery must be ≥ 0, got {CheckpointEvery}.");
        return this;
    }
}
