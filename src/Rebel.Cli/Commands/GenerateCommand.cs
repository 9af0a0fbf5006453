using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rebel.Models;
using Rebel.Models.Data;
using Rebel.Models.Generation;
using Rebel.Models.Gpt2;
using Rebel.Models.Prompts;
using Rebel.Models.Tokenization;
using Rebel.Tensors.IO;

namespace Rebel.Cli.Commands;

/// <summary>
/// <c>rebel generate --model DIR (--prompt TEXT ... | --input PROMPTS.jsonl) [--output OUT.jsonl] [--samples N]
/// [--max-new-tokens N] [--temperature T] [--top-k K] [--top-p P] [--seed S]</c>: samples completions with the KV cache.
/// Input records (JSON Lines or Parquet) are <c>{"prompt": "..."}</c>, <c>{"prompt": [messages]}</c> (rendered with the
/// model's chat format, see docs/data.md) or <c>{"prompt_ids": [...]}</c>. Each output line (stdout without
/// <c>--output</c>) is <c>{"prompt", "completion", "completion_ids", "logprob", "token_logprobs",
/// "sampling_logprobs", "finish_reason"}</c>: <c>token_logprobs</c> are ln softmax(z/τ) without truncation (REBEL's
/// quantity; <c>logprob</c> is their sum), <c>sampling_logprobs</c> those of the top-k/top-p distribution sampled from.
/// </summary>
internal static class GenerateCommand
{
    /// <summary>What one invocation needs.</summary>
    internal sealed record Options(string ModelDirectory, IReadOnlyList<string> Prompts, string? Input, string? Output, int Samples,
        GenerationOptions Generation, int BatchSize, string? Columns = null);

    public static Command Create()
    {
        var model = new Option<DirectoryInfo>("--model") { Description = "Model directory (Hugging Face layout: gpt2, llama, mistral, qwen2 or qwen3), or a PEFT LoRA adapter folder over a local base (loaded merged).", Required = true };
        var prompt = new Option<string[]>("--prompt") { Description = "A prompt text (repeatable).", AllowMultipleArgumentsPerToken = false };
        var input = new Option<FileInfo?>("--input") { Description = "Prompts, JSONL or Parquet ({\"prompt\": text or messages} or {\"prompt_ids\": [...]})." };
        var columns = ColumnsOption.Create();
        var output = new Option<FileInfo?>("--output") { Description = "JSONL to write (atomically); default: standard output." };
        var samples = new Option<int>("--samples") { Description = "Completions per prompt (default 1).", DefaultValueFactory = _ => 1 };
        var maxNew = new Option<int>("--max-new-tokens") { Description = "Most new tokens per completion (default 64).", DefaultValueFactory = _ => 64 };
        var temperature = new Option<float>("--temperature") { Description = "τ (default 1; 0 = greedy).", DefaultValueFactory = _ => 1f };
        var topK = new Option<int>("--top-k") { Description = "Keep the k most likely tokens (default 0 = off)." };
        var topP = new Option<float>("--top-p") { Description = "Nucleus probability (default 1 = off).", DefaultValueFactory = _ => 1f };
        var seed = new Option<ulong>("--seed") { Description = "Sampling seed (default 0)." };
        var batch = new Option<int>("--batch-size") { Description = "Sequences per batch (default 16).", DefaultValueFactory = _ => 16 };
        var command = new Command("generate", "Sample completions from a model (KV cache, temperature, top-k, top-p).")
            { model, prompt, input, output, samples, maxNew, temperature, topK, topP, seed, batch, columns };
        command.SetAction(parse => Run(
            new Options(parse.GetValue(model)!.FullName, parse.GetValue(prompt) ?? [], parse.GetValue(input)?.FullName, parse.GetValue(output)?.FullName,
                parse.GetValue(samples),
                new GenerationOptions(parse.GetValue(maxNew), parse.GetValue(temperature), parse.GetValue(topK), parse.GetValue(topP), parse.GetValue(seed)),
                parse.GetValue(batch), parse.GetValue(columns)),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    /// <summary>Generates and writes; returns 0, or 1 with a one-line error for bad input.</summary>
    internal static int Run(Options options, TextWriter output, TextWriter error)
    {
        try
        {
            options.Generation.Validate();
            if (options.Samples < 1) throw new ArgumentException($"--samples must be ≥ 1, got {options.Samples}.");
            if (options.BatchSize < 1) throw new ArgumentException($"--batch-size must be ≥ 1, got {options.BatchSize}.");
            if (options.Input is null && options.Prompts.Count == 0) throw new ArgumentException("give the prompts: --prompt TEXT (one or more) or --input FILE.");
            if (options.Input is not null && options.Prompts.Count > 0) throw new ArgumentException("give either --prompt (one or more) or --input, not both.");
            var model = ModelFolder.Load(options.ModelDirectory);
            var tokenizer = ModelFolder.LoadTokenizer(options.ModelDirectory);
            var prompts = options.Input is null ? options.Prompts.Select(p => (Prompt: (JsonNode?)p, Ids: Encode(p, tokenizer, model, options.ModelDirectory, 0), Stop: (IReadOnlyList<int>?)null)).ToList()
                : ReadPrompts(options.Input, ColumnMapping.Parse(options.Columns), options.ModelDirectory, tokenizer, model, options.Generation);

            var generator = new Generator(model, tokenizer is null ? null : ids => tokenizer.Decode(ids, skipSpecialTokens: true));
            var jobs = prompts.SelectMany(p => Enumerable.Repeat(p, options.Samples)).ToList();
            var lines = new List<JsonObject>(jobs.Count);
            for (int start = 0; start < jobs.Count; start += options.BatchSize)
            {
                var chunk = jobs.Skip(start).Take(options.BatchSize).ToList();
                // a conversation's reply stops on the template's end-of-turn token too; other prompts on the options' EOS
                var results = generator.Generate(chunk.Select(j => j.Ids).ToList(), options.Generation, firstStream: start,
                    stopIds: chunk.Any(j => j.Stop is not null) ? chunk.Select(j => j.Stop ?? DefaultStops(model, options.Generation)).ToList() : null);
                for (int i = 0; i < chunk.Count; i++) lines.Add(Line(chunk[i].Prompt, chunk[i].Ids, results[i]));
            }
            if (options.Output is null)
                foreach (var line in lines) output.WriteLine(line.ToJsonString());
            else
            {
                JsonLines.WriteAtomic(options.Output, lines);
                output.WriteLine($"generated {lines.Count} completions → {options.Output}");
            }
            return 0;
        }
        catch (Exception e) when (CommandErrors.IsExpected(e))
        {
            return CommandErrors.Report(e, error, "rebel generate: ");
        }
    }

    private static JsonObject Line(JsonNode? prompt, int[] promptIds, GeneratedSequence result)
    {
        static JsonArray Numbers(IEnumerable<float> values) => new(values.Select(v => (JsonNode)(double)v).ToArray());
        var line = new JsonObject();
        if (prompt is not null) line["prompt"] = prompt.DeepClone();
        else line["prompt_ids"] = new JsonArray(promptIds.Select(v => (JsonNode)v).ToArray());
        if (result.Text is not null) line["completion"] = result.Text;
        line["completion_ids"] = new JsonArray(result.Ids.Select(v => (JsonNode)v).ToArray());
        line["logprob"] = result.LogProb;
        line["token_logprobs"] = Numbers(result.LogProbs);
        line["sampling_logprobs"] = Numbers(result.SamplingLogProbs);
        line["finish_reason"] = JsonNamingPolicy.SnakeCaseLower.ConvertName(result.FinishReason.ToString());
        return line;
    }

    /// <summary>The ids generation stops on by default: the option's EOS, else the model's (none without --stop-at-eos).</summary>
    private static IReadOnlyList<int> DefaultStops(ICausalLanguageModel model, GenerationOptions options) =>
        !options.StopAtEos ? [] : options.EosTokenId is { } id ? [id] : model.EosTokenIds;

    /// <summary>
    /// Each record's prompt as written out (text or messages; null for ids), its ids, and for a conversation the ids its
    /// reply stops on (the end-of-turn token and the default ones; null: the default). Conversations are rendered for
    /// the model, their content encoded as plain text.
    /// </summary>
    private static List<(JsonNode? Prompt, int[] Ids, IReadOnlyList<int>? Stop)> ReadPrompts(string path, ColumnMapping columns, string modelDirectory,
        ITokenizer? tokenizer, ICausalLanguageModel model, GenerationOptions generation)
    {
        var prompts = new List<(JsonNode?, int[], IReadOnlyList<int>?)>();
        IPromptRenderer? renderer = null;
        foreach (var row in DatasetReader.Read(path))
        {
            if (row.Value.TryGetProperty("prompt_ids", out var ids))
            {
                if (ids.ValueKind != JsonValueKind.Array || ids.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.Number))
                    throw row.Error("prompt_ids", $"{row.Name("prompt_ids")} must be an array of token ids");
                prompts.Add((null, ids.EnumerateArray().Select(e => e.GetInt32()).ToArray(), null));
                continue;
            }
            var prompt = row.RequirePrompt(columns.Prompt);
            if (prompt.IsConversation && tokenizer is not null) renderer ??= PromptRenderer.ForModel(modelDirectory, tokenizer);
            var text = row.Render(columns.Prompt, prompt, renderer);
            if (!prompt.IsConversation || renderer is null || tokenizer is null)
            {
                prompts.Add((prompt.ToJson(), Encode(text, tokenizer, model, row.Path, row.Number), null));
                continue;
            }
            IReadOnlyList<int>? stop = null;
            if (generation.StopAtEos && PromptRenderer.EndOfTurnId(renderer, tokenizer) is { } eot)
                stop = [eot, .. DefaultStops(model, generation).Where(id => id != eot)];
            prompts.Add((prompt.ToJson(), renderer.Encode(tokenizer, text), stop));
        }
        if (prompts.Count == 0) throw new DataFormatException(path, 0, "the dataset holds no prompts");
        return prompts;
    }

    private static int[] Encode(string text, ITokenizer? tokenizer, ICausalLanguageModel model, string source, int line)
    {
        if (tokenizer is null) throw new DataFormatException(source, line, "text prompts need a tokenizer, but the model directory has none (use prompt_ids)");
        var ids = tokenizer.Encode(text);
        if (ids.Length > 0) return ids;
        int? start = model.BosTokenId ?? tokenizer.EosId ?? (model.EosTokenIds.Count > 0 ? model.EosTokenIds[0] : null);
        return start is { } s ? [s] : throw new DataFormatException(source, line, "empty prompt and no BOS/EOS token to start from");
    }
}
