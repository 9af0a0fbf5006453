using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rebel.Models.Data;
using Rebel.Preference.Data;
using Rebel.Preference.Evaluation;
using Rebel.Preference.Models;
using Rebel.Preference.Training;
using Rebel.SelfPlay.Training;
using Rebel.Tensors;

namespace Rebel.Cli.Training;

/// <summary>
/// The baseline's reward model: a Bradley–Terry model r(x, y) over hashed word features, fitted to the offline
/// preferences (10% of prompts held out for validation). Cached like the reference: a stamp of the settings and the
/// data's SHA-256 in <c>reward-model/stage.json</c>.
/// </summary>
internal static class BaselineStage
{
    private const string StampFile = "stage.json";

    /// <summary>Returns the reward model's directory, fitting it first unless an up-to-date one exists.</summary>
    public static string TrainOrLoad(BaselineConfig config, string data, string directory, TextWriter log)
    {
        var stamp = Stamp(config, data);
        var stampPath = Path.Combine(directory, StampFile);
        if (File.Exists(stampPath) && JsonNode.Parse(File.ReadAllText(stampPath)) is JsonObject saved
            && stamp.All(kv => JsonNode.DeepEquals(saved[kv.Key], kv.Value)))
        {
            log.WriteLine($"baseline: reusing the Bradley–Terry reward model in {directory}");
            return directory;
        }

        var rng = new Rng(config.Seed);
        var encoder = new HashedFeatureEncoder(new HashedFeatureEncoderOptions { Buckets = config.Buckets, Hidden = config.Hidden }, rng);
        var model = new BradleyTerryRewardModel(encoder, rng);
        var (train, validation) = new PreferenceSplit(0.1, config.Seed).Apply(PreferenceDataset.Read(data));
        log.WriteLine($"baseline: fitting a Bradley–Terry reward model on {train.Count} offline pairs ({validation.Count} held out)");
        PreferenceTrainer.Fit(model, train, new PreferenceTrainingOptions
        {
            Epochs = config.Epochs, BatchSize = config.BatchSize, LearningRate = config.LearningRate, Seed = config.Seed,
        });
        var metrics = validation.Count > 0 ? PreferenceEvaluator.Evaluate(model, validation) : null;
        if (metrics is not null)
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  reward model: held-out accuracy {metrics.Accuracy:F3} (labels carry noise), log-loss {metrics.LogLoss:F3}"));

        var temporary = directory + ".tmp";
        if (Directory.Exists(temporary)) Directory.Delete(temporary, recursive: true);
        model.Save(temporary);
        if (metrics is not null)
            stamp["validation"] = new JsonObject { ["pairs"] = metrics.Count, ["accuracy"] = metrics.Accuracy, ["log_loss"] = metrics.LogLoss };
        AtomicFile.WriteAllText(Path.Combine(temporary, StampFile), stamp.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        Directory.Move(temporary, directory);
        return directory;
    }

    /// <summary>The held-out accuracy recorded when the model was fitted, or null.</summary>
    public static double? ValidationAccuracy(string directory)
    {
        var path = Path.Combine(directory, StampFile);
        return File.Exists(path) ? (double?)JsonNode.Parse(File.ReadAllText(path))?["validation"]?["accuracy"] : null;
    }

    private static JsonObject Stamp(BaselineConfig config, string data)
    {
        var settings = JsonSerializer.SerializeToNode(config with { Data = null }, RebelOptions.JsonOptions)!.AsObject();
        settings.Remove("data");
        using var stream = File.OpenRead(data);
        return new JsonObject { ["settings"] = settings, ["data_sha256"] = Convert.ToHexStringLower(SHA256.HashData(stream)) };
    }
}
