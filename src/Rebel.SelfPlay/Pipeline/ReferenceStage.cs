using System.Globalization;
using System.Text.Json.Nodes;
using Rebel.Models.Data;
using Rebel.Models.Gpt2;
using Rebel.Models.Prompts;
using Rebel.Models.Tokenization;
using Rebel.Models.Training;

namespace Rebel.SelfPlay.Pipeline;

/// <summary>
/// Stage 1 of <c>rebel train</c> without a model: train a byte-level BPE tokenizer on the SFT corpus, SFT a fresh
/// GPT-2 on it, and save both as a Hugging Face-layout directory. A later run with the same settings and corpus
/// reuses it (<see cref="CachedStage"/>: the stamp is <c>reference.json</c>).
/// </summary>
internal static class ReferenceStage
{
    public const string StampFile = "reference.json";

    /// <summary>
    /// Returns the reference directory, training it first unless an up-to-date one exists. The SFT data's columns are
    /// read through <paramref name="columns"/> (a renamed column enters the stamp). <paramref name="ct"/> stops the SFT
    /// within a step; the half-built folder is then discarded.
    /// </summary>
    public static string BuildOrLoad(ReferenceConfig config, string directory, ColumnMapping columns, TextWriter log, CancellationToken ct = default)
    {
        var stamp = new JsonObject
        {
            ["settings"] = CachedStage.Settings(config, "sft_data"),
            ["sft_data_sha256"] = CachedStage.Sha256(config.SftData),
        };
        if (!columns.IsDefault) stamp["columns"] = columns.ToString();
        if (CachedStage.Current(directory, StampFile, stamp) is not null)
        {
            log.WriteLine($"reference: reusing the SFT reference in {directory}");
            return directory;
        }
        CachedStage.Build(directory, StampFile, stamp, folder => Train(config, columns, folder, log, ct));
        return directory;
    }

    private static void Train(ReferenceConfig config, ColumnMapping columns, string folder, TextWriter log, CancellationToken ct)
    {
        // conversations are written in the ChatML fallback: the model built here has no chat template of its own
        var tokenizer = BpeTrainer.Train(SftData.Texts(config.SftData, new ChatMlPromptRenderer([]), columns), new BpeTrainerOptions { VocabSize = config.VocabSize });
        int eos = tokenizer.EosId ?? throw new InvalidOperationException("the trained tokenizer has no end-of-sequence token");
        var examples = SftData.Read(config.SftData, tokenizer, new ChatMlPromptRenderer(tokenizer.SpecialTokens.Keys), columns);
        int longest = examples.Max(e => e.PromptIds.Length + e.CompletionIds.Length);
        if (longest > config.NPositions)
            log.WriteLine($"reference: warning: the longest example has {longest} tokens, more than n_positions = {config.NPositions}; it is cut");
        var options = config.SftOptions();
        var model = new Gpt2Model(config.ModelConfig(tokenizer.VocabSize, eos), options.InitializationSeed());   // as rebel sft --config does
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"reference: SFT of a {model.ParameterCount:N0}-parameter GPT-2 ({config.NLayer} layers, n_embd {config.NEmbd}, vocabulary {tokenizer.VocabSize}) on {examples.Count} examples, {config.Steps} steps"));

        new SftTrainer(model, options).TrainTo(folder, examples, tokenizer, m =>
        {
            if (m.EvalLoss is { } eval)
                log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  sft step {m.Step,5}/{config.Steps}  loss/train {m.TrainLoss:F3}  loss/eval {eval:F3}"));
        }, ct);
    }
}
