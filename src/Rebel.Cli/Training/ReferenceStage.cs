using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rebel.Models.Data;
using Rebel.Models.Gpt2;
using Rebel.Models.Tokenization;
using Rebel.Models.Training;

namespace Rebel.Cli.Training;

/// <summary>
/// Stage 1 of <c>rebel train</c> without a model: train a byte-level BPE tokenizer on the SFT corpus, SFT a fresh
/// GPT-2 on it, and save both as a Hugging Face-layout directory. The directory carries a stamp (the settings and the
/// corpus's SHA-256); a later run with the same stamp loads it instead of training again. It is built in a temporary
/// folder and renamed into place, so a killed run never leaves a half-written reference.
/// </summary>
internal static class ReferenceStage
{
    public const string StampFile = "reference.json";

    /// <summary>Returns the reference directory, training it first unless an up-to-date one exists.</summary>
    public static string BuildOrLoad(ReferenceConfig config, string directory, TextWriter log)
    {
        var stamp = Stamp(config);
        var stampPath = Path.Combine(directory, StampFile);
        if (File.Exists(stampPath) && JsonNode.DeepEquals(JsonNode.Parse(File.ReadAllText(stampPath)), stamp))
        {
            log.WriteLine($"reference: reusing the SFT reference in {directory}");
            return directory;
        }

        var temporary = directory + ".tmp";
        if (Directory.Exists(temporary)) Directory.Delete(temporary, recursive: true);
        Directory.CreateDirectory(temporary);

        var tokenizer = BpeTrainer.Train(SftData.Texts(config.SftData), new BpeTrainerOptions { VocabSize = config.VocabSize });
        int eos = tokenizer.EosId ?? throw new InvalidOperationException("the trained tokenizer has no end-of-sequence token");
        var examples = SftData.Read(config.SftData, tokenizer);
        int longest = examples.Max(e => e.PromptIds.Length + e.CompletionIds.Length);
        if (longest > config.NPositions)
            log.WriteLine($"reference: warning: the longest example has {longest} tokens, more than n_positions = {config.NPositions}; it is cut");
        var model = new Gpt2Model(config.ModelConfig(tokenizer.VocabSize, eos), config.Seed);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"reference: SFT of a {model.ParameterCount:N0}-parameter GPT-2 ({config.NLayer} layers, n_embd {config.NEmbd}, vocabulary {tokenizer.VocabSize}) on {examples.Count} examples, {config.Steps} steps"));

        using (var metrics = new StreamWriter(Path.Combine(temporary, "metrics.jsonl")))
        {
            new SftTrainer(model, config.SftOptions()).Train(examples, m =>
            {
                var line = new JsonObject { ["step"] = m.Step, ["loss/train"] = m.TrainLoss, ["loss/eval"] = m.EvalLoss, ["optim/lr"] = m.LearningRate };
                metrics.WriteLine(line.ToJsonString());
                if (m.EvalLoss is { } eval)
                    log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  sft step {m.Step,5}/{config.Steps}  loss/train {m.TrainLoss:F3}  loss/eval {eval:F3}"));
            });
        }
        Gpt2Checkpoint.WriteFiles(temporary, model, tokenizer);
        AtomicFile.WriteAllText(Path.Combine(temporary, StampFile), stamp.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        Directory.Move(temporary, directory);
        return directory;
    }

    /// <summary>What the cached reference depends on: every setting (the corpus by content, not by path).</summary>
    private static JsonObject Stamp(ReferenceConfig config)
    {
        var settings = JsonSerializer.SerializeToNode(config with { SftData = "" }, Rebel.SelfPlay.Training.RebelOptions.JsonOptions)!.AsObject();
        settings.Remove("sft_data");
        using var stream = File.OpenRead(config.SftData);
        return new JsonObject
        {
            ["settings"] = settings,
            ["sft_data_sha256"] = Convert.ToHexStringLower(SHA256.HashData(stream)),
        };
    }
}
