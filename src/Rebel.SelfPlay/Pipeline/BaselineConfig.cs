using Rebel.Preference.Models;
using Rebel.Preference.Training;

namespace Rebel.SelfPlay.Pipeline;

/// <summary>
/// The transitive baseline <c>rebel train</c> runs beside self-play: a Bradley–Terry reward model r(x, y) over hashed
/// word features, fitted to the offline preference data, then REBEL with the same options and budget whose judge is
/// P(y ≻ y′) = σ(r(x, y) − r(x, y′)) instead of the task judge. It is written to <c>RUN_DIR/baseline/</c>.
/// </summary>
public sealed record BaselineConfig
{
    /// <summary>Preference data the reward model is fitted to (default: the run's <c>rebel.offline_data</c>).</summary>
    public string? Data { get; init; }

    /// <summary>Hash buckets of the feature encoder (words and bigrams). Default 4096.</summary>
    public int Buckets { get; init; } = 4096;

    /// <summary>Hidden width of the encoder's MLP. Default 64.</summary>
    public int Hidden { get; init; } = 64;

    /// <summary>Passes over the preference data. Default 10.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Pairs per optimizer step. Default 64.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>AdamW learning rate. Default 3e-3.</summary>
    public double LearningRate { get; init; } = 3e-3;

    /// <summary>Seed of the batch order, and (through its own stream,
    /// <see cref="PreferenceTrainingOptions.InitializationSeed"/>) of the initialization. Default 0.</summary>
    public ulong Seed { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming every invalid value.</summary>
    public BaselineConfig Validate()
    {
        var problems = new List<string>();
        void Check(bool ok, string message) { if (!ok) problems.Add(message); }
        Check(Buckets >= 1, $"baseline.buckets must be ≥ 1, got {Buckets}");
        Check(Hidden >= 1, $"baseline.hidden must be ≥ 1, got {Hidden}");
        Check(Epochs >= 1, $"baseline.epochs must be ≥ 1, got {Epochs}");
        Check(BatchSize >= 1, $"baseline.batch_size must be ≥ 1, got {BatchSize}");
        Check(LearningRate > 0 && double.IsFinite(LearningRate), $"baseline.learning_rate must be > 0, got {LearningRate}");
        if (problems.Count > 0) throw new ArgumentException("Invalid baseline settings: " + string.Join("; ", problems) + ".");
        EncoderOptions();
        TrainingOptions();
        return this;
    }

    /// <summary>The reward model's feature encoder sizes, validated.</summary>
    internal HashedFeatureEncoderOptions EncoderOptions() =>
        new HashedFeatureEncoderOptions { Buckets = Buckets, Hidden = Hidden }.Validate();

    /// <summary>The reward model: a Bradley–Terry head over the <see cref="EncoderOptions"/> features.</summary>
    internal PreferenceModelOptions ModelOptions() => new PreferenceModelOptions { Features = EncoderOptions() }.Validate();

    /// <summary>The reward model's fitting settings, validated.</summary>
    internal PreferenceTrainingOptions TrainingOptions() => new PreferenceTrainingOptions
    {
        Epochs = Epochs, BatchSize = BatchSize, LearningRate = LearningRate, Seed = Seed,
    }.Validate();
}
