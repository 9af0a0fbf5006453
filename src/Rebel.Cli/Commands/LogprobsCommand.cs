using System.CommandLine;
using Rebel.Models;
using Rebel.Models.Data;
using Rebel.Models.Gpt2;
using Rebel.Models.Prompts;
using Rebel.Models.Scoring;
using Rebel.Tensors.IO;

namespace Rebel.Cli.Commands;

/// <summary>
/// <c>rebel logprobs --model DIR --input DATASET --output OUT.jsonl [--temperature T] [--columns …]</c>: each input record
/// (JSON Lines or Parquet, see docs/data.md) has <c>prompt_ids</c> and <c>completion_ids</c>, <c>prompt</c> and
/// <c>completion</c> text, or a conversation in TRL's SFT shapes (rendered by the model's chat template, scored as the
/// assistant turn); each output line repeats it and adds <c>logprob</c> (the sum) and <c>token_logprobs</c> (one per
/// completion token), at temperature 1 unless <c>--temperature</c> is given.
/// </summary>
internal static class LogprobsCommand
{
    /// <summary>What one invocation needs.</summary>
    internal sealed record Options(string ModelDirectory, string Input, string Output, float Temperature, int BatchSize, string? Columns = null);

    public static Command Create()
    {
        var model = new Option<DirectoryInfo>("--model") { Description = "Model directory (Hugging Face layout: gpt2, llama, mistral, qwen2 or qwen3), or a PEFT LoRA adapter folder over a local base (loaded merged).", Required = true };
        var input = new Option<FileInfo>("--input") { Description = "Dataset (JSONL or Parquet file, folder or glob) of prompt_ids/completion_ids, prompt/completion text, or conversations (prompt messages + completion, or messages).", Required = true };
        var output = new Option<FileInfo>("--output") { Description = "JSONL to write (atomically).", Required = true };
        var temperature = new Option<float>("--temperature") { Description = "τ: logits are divided by it (default 1).", DefaultValueFactory = _ => 1f };
        var batch = new Option<int>("--batch-size") { Description = "Pairs per forward pass (default 16).", DefaultValueFactory = _ => 16 };
        var columns = ColumnsOption.Create();
        var command = new Command("logprobs", "Score completions: per-token and summed log-probs under a model.") { model, input, output, temperature, batch, columns };
        command.SetAction(parse => Run(
            new Options(parse.GetValue(model)!.FullName, parse.GetValue(input)!.FullName, parse.GetValue(output)!.FullName,
                parse.GetValue(temperature), parse.GetValue(batch), parse.GetValue(columns)),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    /// <summary>Scores the file; returns 0, or 1 with a one-line error for bad input.</summary>
    internal static int Run(Options options, TextWriter output, TextWriter error)
    {
        try
        {
            if (!(options.Temperature > 0)) throw new ArgumentException($"--temperature must be positive, got {options.Temperature}.");
            var model = ModelFolder.Load(options.ModelDirectory);
            var tokenizer = ModelFolder.LoadTokenizer(options.ModelDirectory);
            int count = LogProbFile.Score(model, tokenizer, options.Input, options.Output, options.Temperature, options.BatchSize,
                tokenizer is null ? null : () => PromptRenderer.ForModel(options.ModelDirectory, tokenizer), ColumnMapping.Parse(options.Columns));
            output.WriteLine($"scored {count} completions → {options.Output}");
            return 0;
        }
        catch (Exception e) when (CommandErrors.IsExpected(e))
        {
            return CommandErrors.Report(e, error, "rebel logprobs: ");
        }
    }
}
