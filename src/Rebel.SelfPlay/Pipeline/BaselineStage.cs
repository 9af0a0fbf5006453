using System.Globalization;
using System.Text.Json.Nodes;
using Rebel.Preference.Data;
using Rebel.Preference.Evaluation;
using Rebel.Preference.Models;
using Rebel.Preference.Training;
using Rebel.Tensors;

namespace Rebel.SelfPlay.Pipeline;

/// <summary>
/// The baseline's reward model: a Bradley–Terry model r(x, y) over hashed word features, fitted to the offline
/// preferences (10% of prompts held out for validation). Reused while the settings and data are unchanged
/// (<see cref="CachedStage"/>: the stamp is <c>stage.json</c>, which also records the held-out metrics).
/// </summary>
internal static class BaselineStage
{
    private const string StampFile = "stage.json";

    /// <summary>Returns the reward model's directory, fitting it first unless an up-to-date one exists, and its held-out
    /// accuracy (recorded in the stamp when it was fitted; null when nothing was held out).</summary>
    /// <param name="config">The baseline section.</param>
    /// <param name="data">The preference file the model is fitted to (its SHA-256 enters the stamp).</param>
    /// <param name="records">Reads the data's records (prompts rendered as the policy reads them), called only when fitting.</param>
    /// <param name="directory">The reward model's folder.</param>
    /// <param name="log">Progress lines.</param>
    public static (string Directory, double? ValidationAccuracy) TrainOrLoad(BaselineConfig config, string data, Func<IReadOnlyList<PreferenceRecord>> records, string directory, TextWriter log)
    {
        var stamp = new JsonObject { ["settings"] = CachedStage.Settings(config, "data"), ["data_sha256"] = CachedStage.Sha256(data) };
        if (CachedStage.Current(directory, StampFile, stamp) is { } saved)
        {
            log.WriteLine($"baseline: reusing the Bradley–Terry reward model in {directory}");
            return (directory, (double?)saved["validation"]?["accuracy"]);
        }

        var rng = new Rng(config.Seed);
        var encoder = new HashedFeatureEncoder(config.EncoderOptions(), rng);
        var model = new BradleyTerryRewardModel(encoder, rng);
        var (train, validation) = new PreferenceSplit(0.1, config.Seed).Apply(records());
        log.WriteLine($"baseline: fitting a Bradley–Terry reward model on {train.Count} offline pairs ({validation.Count} held out)");
        PreferenceTrainer.Fit(model, train, config.TrainingOptions());
        double? accuracy = null;
        if (validation.Count > 0)
        {
            var metrics = PreferenceEvaluator.Evaluate(model, validation);
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  reward model: held-out accuracy {metrics.Accuracy:F3} (labels carry noise), log-loss {metrics.LogLoss:F3}"));
            stamp["validation"] = new JsonObject { ["pairs"] = metrics.Count, ["accuracy"] = metrics.Accuracy, ["log_loss"] = metrics.LogLoss };
            accuracy = metrics.Accuracy;
        }
        CachedStage.Build(directory, StampFile, stamp, model.Save);
        return (directory, accuracy);
    }
}
