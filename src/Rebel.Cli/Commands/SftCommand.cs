using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rebel.Cli.Progress;
using Rebel.Models;
using Rebel.Models.Data;
using Rebel.Models.Gpt2;
using Rebel.Models.Prompts;
using Rebel.Models.Tokenization;
using Rebel.Models.Training;
using Rebel.Tensors.IO;
using Spectre.Console;

namespace Rebel.Cli.Commands;

/// <summary>
/// <c>rebel sft (--model DIR | --config tiny) --data FILE.jsonl --out DIR</c>: supervised fine-tuning on
/// <c>{"prompt","completion"}</c> lines, loss on completion tokens only (EOS appended), AdamW with warmup + cosine
/// decay, held-out eval loss every <c>--eval-every</c> steps. DIR receives the final model in Hugging Face layout
/// (config.json, model.safetensors, tokenizer files), <c>sft_options.json</c>, <c>metrics.jsonl</c> (one line per step)
/// and <c>checkpoints/step-N/</c> (model, tokenizer, <c>optimizer.safetensors</c>) every <c>--checkpoint-every</c> steps.
/// With <c>--config tiny</c> the tokenizer comes from <c>--tokenizer DIR</c> or is trained on the data (byte-level BPE
/// of <c>--vocab-size</c> tokens).
/// </summary>
internal static class SftCommand
{
    /// <summary>What one invocation needs.</summary>
    internal sealed record Options(string? ModelDirectory, string? Preset, string? TokenizerDirectory, int VocabSize,
        string Data, string Out, SftOptions Training, bool Overwrite = false, string? Columns = null);

    /// <summary>
    /// The warmup used when <c>--warmup</c> is not given: the default (20 steps), but at most a tenth of the steps, so that
    /// a short run (<c>--steps 10</c>) still has most of its steps at the peak learning rate and a cosine decay.
    /// </summary>
    internal static int DefaultWarmup(int steps) => Math.Clamp(steps / 10, 0, new SftOptions().WarmupSteps);

    public static Command Create()
    {
        var model = new Option<DirectoryInfo?>("--model") { Description = "Start from this model directory, or a PEFT LoRA adapter folder (its base with the adapter merged; SFT then trains every weight)." };
        var preset = new Option<string?>("--config") { Description = "Start from a fresh model of this preset (tiny)." };
        var tokenizer = new Option<DirectoryInfo?>("--tokenizer") { Description = "With --config: tokenizer directory (default: train one on the data)." };
        var vocab = new Option<int>("--vocab-size") { Description = "With --config and no --tokenizer: BPE vocabulary size (default 512).", DefaultValueFactory = _ => 512 };
        var data = new Option<FileInfo>("--data") { Description = "SFT data, JSONL or Parquet (a file, folder or glob): {\"prompt\", \"completion\"} as text or messages, or {\"messages\"}.", Required = true };
        var columns = ColumnsOption.Create();
        var output = new Option<DirectoryInfo>("--out") { Description = "Output directory.", Required = true };
        var defaults = new SftOptions();
        var steps = new Option<int>("--steps") { Description = $"Optimizer steps (default {defaults.Steps}).", DefaultValueFactory = _ => defaults.Steps };
        var batch = new Option<int>("--batch-size") { Description = $"Examples per step (default {defaults.BatchSize}).", DefaultValueFactory = _ => defaults.BatchSize };
        var lr = new Option<double>("--lr") { Description = $"Peak learning rate (default {defaults.LearningRate}).", DefaultValueFactory = _ => defaults.LearningRate };
        var warmup = new Option<int?>("--warmup") { Description = $"Warmup steps (default {defaults.WarmupSteps}, at most a tenth of --steps)." };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace a model already in --out (without it, an existing model there is refused)." };
        var evalEvery = new Option<int>("--eval-every") { Description = $"Eval interval in steps (default {defaults.EvalEvery}).", DefaultValueFactory = _ => defaults.EvalEvery };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "Checkpoint interval in steps (default 0 = final model only)." };
        var seed = new Option<ulong>("--seed") { Description = "Seed of init, split and batches (default 0)." };
        var command = new Command("sft", "Supervised fine-tuning of a GPT-2 or Llama-family model on prompt/completion pairs.")
            { model, preset, tokenizer, vocab, data, output, steps, batch, lr, warmup, evalEvery, checkpointEvery, seed, overwrite, columns };
        command.SetAction((parse, ct) => Task.FromResult(Run(
            new Options(parse.GetValue(model)?.FullName, parse.GetValue(preset), parse.GetValue(tokenizer)?.FullName, parse.GetValue(vocab),
                parse.GetValue(data)!.FullName, parse.GetValue(output)!.FullName,
                new SftOptions
                {
                    Steps = parse.GetValue(steps), BatchSize = parse.GetValue(batch), LearningRate = parse.GetValue(lr),
                    MinLearningRate = Math.Min(new SftOptions().MinLearningRate, parse.GetValue(lr)),
                    WarmupSteps = parse.GetValue(warmup) ?? DefaultWarmup(parse.GetValue(steps)), EvalEvery = parse.GetValue(evalEvery),
                    CheckpointEvery = parse.GetValue(checkpointEvery), Seed = parse.GetValue(seed),
                }, parse.GetValue(overwrite), parse.GetValue(columns)),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct)));
        return command;
    }

    /// <summary>Trains and writes DIR; returns 0, or 1 with a one-line error for bad input.</summary>
    internal static int Run(Options options, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        try
        {
            options.Training.Validate();
            if ((options.ModelDirectory is null) == (options.Preset is null)) throw new ArgumentException("give either --model DIR or --config PRESET.");
            if (!options.Overwrite && File.Exists(Path.Combine(options.Out, "config.json")))
                throw new ArgumentException($"{options.Out} already holds a model (config.json); pass --overwrite to replace it, or choose another --out.");
            var columns = ColumnMapping.Parse(options.Columns);
            var (model, tokenizer) = Start(options, columns);
            // a fresh model has no chat template: conversations are written in the ChatML fallback
            var renderer = options.ModelDirectory is { } dir ? PromptRenderer.ForModel(dir, tokenizer) : new ChatMlPromptRenderer(tokenizer.SpecialTokens.Keys);
            var examples = SftData.Read(options.Data, tokenizer, renderer, columns);
            Directory.CreateDirectory(options.Out);
            WriteResolvedOptions(options, model);
            output.WriteLine($"rebel sft: {examples.Count} examples, {model.Parameters.Sum(p => (long)p.Value.Size):N0} parameters, {options.Training.Steps} steps → {options.Out}");

            var trainer = new SftTrainer(model, options.Training);
            var start = DateTime.UtcNow;
            // Interactive runs get a live progress bar (step, losses); redirected output gets one line per evaluation.
            bool interactive = SpectreLineWriter.IsInteractive(output);
            void Train(ProgressTask? bar, TextWriter lines) => trainer.TrainTo(options.Out, examples, tokenizer,
                log: m =>
                {
                    if (bar is not null)
                    {
                        bar.Value = m.Step;
                        if (m.EvalLoss is { } e) bar.Description = $"SFT  loss/train {m.TrainLoss:F3}  loss/eval {e:F3}";
                    }
                    if (m.EvalLoss is { } eval)
                    {
                        var text = $"step {m.Step,6}/{options.Training.Steps}  loss/train {m.TrainLoss:F4}  loss/eval {eval:F4}  lr {m.LearningRate:E2}  " +
                            $"{m.Step / (DateTime.UtcNow - start).TotalSeconds:F1} steps/s";
                        lines.WriteLine(text);
                    }
                }, cancellationToken);
            if (interactive)
                AnsiConsole.Progress().AutoClear(false).Start(ctx => Train(ctx.AddTask("SFT", maxValue: options.Training.Steps), new SpectreLineWriter()));
            else
                Train(null, output);
            output.WriteLine($"rebel sft: wrote the model to {options.Out}");
            return 0;
        }
        catch (Exception e) when (CommandErrors.IsExpected(e))
        {
            return CommandErrors.Report(e, error, "rebel sft: ");
        }
    }

    private static (ICausalLanguageModel Model, ITokenizer Tokenizer) Start(Options options, ColumnMapping columns)
    {
        if (options.ModelDirectory is { } dir)
        {
            var loaded = ModelFolder.Load(dir);
            var own = ModelFolder.LoadTokenizer(dir) ?? throw new ArgumentException($"{dir}: the model directory has no tokenizer files.");
            return (loaded, own);
        }
        var config = Gpt2Config.Preset(options.Preset!);
        ITokenizer tokenizer = options.TokenizerDirectory is { } t
            ? TokenizerFiles.Load(t)
            : BpeTrainer.Train(SftData.Texts(options.Data, new ChatMlPromptRenderer([]), columns), new BpeTrainerOptions { VocabSize = options.VocabSize });
        config = config with { VocabSize = tokenizer.VocabSize, BosTokenId = tokenizer.EosId, EosTokenId = tokenizer.EosId };
        return ((ICausalLanguageModel)new Gpt2Model(config, options.Training.InitializationSeed()), tokenizer);
    }

    private static void WriteResolvedOptions(Options options, ICausalLanguageModel model)
    {
        var json = new JsonObject
        {
            ["model"] = options.ModelDirectory, ["config"] = options.Preset, ["data"] = options.Data,
            ["training"] = JsonSerializer.SerializeToNode(options.Training),
            ["model_type"] = model.ModelType, ["parameters"] = model.Parameters.Sum(p => (long)p.Value.Size), ["vocab_size"] = model.VocabSize,
        };
        AtomicFile.WriteAllText(Path.Combine(options.Out, "sft_options.json"), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
