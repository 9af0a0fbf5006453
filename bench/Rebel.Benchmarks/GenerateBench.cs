using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Rebel.Models;
using Rebel.Models.Generation;
using Rebel.Models.Gpt2;
using Rebel.Models.Llama;
using Rebel.Tensors;
using Rebel.Tensors.Kernels;

namespace Rebel.Benchmarks;

/// <summary>
/// <c>Rebel.Benchmarks generate</c>: batched sampling with the KV cache (<see cref="Generator"/>) from a randomly initialised
/// GPT-2 (or, with <c>--model-type llama</c>, a SmolLM2-135M-shaped Llama), in generated tokens per second (B · new tokens / wall time, prefill included), median of repetitions. Prints
/// JSON lines with the same fields as <c>bench/pytorch/generate.py</c> (see <c>bench/generate.sh</c>).
/// </summary>
/// <remarks>
/// With <c>--context-cost</c> it generates 64, 128, 256 and 512 new tokens (up to <c>--new-tokens</c>) and prints, per
/// length L, the cost per token t(L)/L, its ratio to the 64-token figure, and the marginal cost per token between L/2
/// and L, (t(L) − t(L/2)) / (L/2). With a KV cache each new token costs a constant (projections, MLP, head) plus an
/// attention term linear in its position, so the per-token ratio stays well below 2 at L = 512; recomputing the prefix
/// every step would make it grow like L.
/// </remarks>
internal static class GenerateBench
{
    /// <summary>Settings of the benchmark; the model is GPT-2 with V, C, layers and heads as given, or with
    /// <paramref name="Llama"/> SmolLM2-135M's shape with <paramref name="Layers"/> layers (V, C and heads then ignored).</summary>
    internal sealed record Options(int Batch, int PromptTokens, int NewTokens, int Width, int Layers, int Heads, int Vocab,
        int Repetitions, bool ContextCost, int Threads = 2, bool Llama = false, string? Model = null)
    {
        /// <summary>The vocabulary the prompts are drawn from: <see cref="Vocab"/>, or SmolLM2's with <see cref="Llama"/>.</summary>
        public int ModelVocab => Llama ? SmolLm2Shape.VocabSize : Vocab;

        /// <summary>The residual width: <see cref="Width"/>, or SmolLM2's with <see cref="Llama"/>.</summary>
        public int ModelWidth => Llama ? SmolLm2Shape.HiddenSize : Width;

        /// <summary>New-token counts timed in context-cost mode: 64, 128, ... up to <see cref="NewTokens"/>.</summary>
        public IReadOnlyList<int> ContextLengths
        {
            get
            {
                var lengths = new List<int>();
                for (int l = 64; l < NewTokens; l *= 2) lengths.Add(l);
                lengths.Add(NewTokens);
                return lengths;
            }
        }

        /// <summary>Throws <see cref="ArgumentException"/> naming the offending value.</summary>
        public Options Validate()
        {
            if (Batch < 1) throw new ArgumentException($"--batch must be at least 1, got {Batch}.");
            if (PromptTokens < 1) throw new ArgumentException($"--prompt-tokens must be at least 1, got {PromptTokens}.");
            if (NewTokens < 1) throw new ArgumentException($"--new-tokens must be at least 1, got {NewTokens}.");
            if (ContextCost && NewTokens < 64) throw new ArgumentException($"--context-cost needs --new-tokens ≥ 64, got {NewTokens}.");
            if (Repetitions < 1) throw new ArgumentException($"--reps must be at least 1, got {Repetitions}.");
            if (Threads < 1) throw new ArgumentException($"--threads must be at least 1, got {Threads}.");
            if (!Llama && (Heads < 1 || Width % Heads != 0)) throw new ArgumentException($"--width {Width} must be a positive multiple of --heads {Heads}.");
            if (Layers < 1 || Vocab < 2) throw new ArgumentException($"--layers must be ≥ 1 and --vocab ≥ 2, got {Layers} and {Vocab}.");
            return this;
        }

        /// <summary>The benchmarked model: context = prompt + new tokens, no EOS (every sequence runs to the end).</summary>
        public ICausalLanguageModel CreateModel() => Model is { } folder ? ModelFolder.Load(folder) : Llama
            ? new LlamaModel(SmolLm2Shape.Config(Layers, PromptTokens + NewTokens), seed: 1)
            : new Gpt2Model(new Gpt2Config(Vocab, PromptTokens + NewTokens, Width, Layers, Heads).Validate(), seed: 1);
    }

    public static Command Create()
    {
        var batch = new Option<int>("--batch") { Description = "Sequences sampled together (B).", DefaultValueFactory = _ => 16 };
        var prompt = new Option<int>("--prompt-tokens") { Description = "Random prompt tokens per sequence.", DefaultValueFactory = _ => 16 };
        var newTokens = new Option<int>("--new-tokens") { Description = "Tokens generated per sequence (longest length with --context-cost).", DefaultValueFactory = _ => 128 };
        var width = new Option<int>("--width") { Description = "Embedding size (C).", DefaultValueFactory = _ => 256 };
        var layers = new Option<int?>("--layers") { Description = "Transformer blocks (default 4 for gpt2, 30 for llama)." };
        var heads = new Option<int>("--heads") { Description = "Attention heads.", DefaultValueFactory = _ => 4 };
        var vocab = new Option<int>("--vocab") { Description = "Vocabulary size (V).", DefaultValueFactory = _ => 512 };
        var reps = new Option<int>("--reps") { Description = "Timed repetitions (median reported).", DefaultValueFactory = _ => 5 };
        var contextCost = new Option<bool>("--context-cost") { Description = "Per-token cost at 64, 128, ... --new-tokens generated tokens." };
        var threads = new Option<int>("--threads") { Description = "Threads for the matrix products and attention.", DefaultValueFactory = _ => 2 };
        var modelType = new Option<string>("--model-type")
        {
            Description = "gpt2 (shaped by --width, --heads, --vocab) or llama (SmolLM2-135M's shape; only --layers changes it).",
            DefaultValueFactory = _ => "gpt2",
        };
        modelType.AcceptOnlyFromAmong(SmolLm2Shape.ModelTypes);
        var folder = new Option<string?>("--model") { Description = "A model folder to load instead of a random model (bench/llama-cpp.sh: the GGUF anchor's weights)." };
        var command = new Command("generate", "Sampling throughput with the KV cache (compare with bench/pytorch/generate.py).")
            { batch, prompt, newTokens, width, layers, heads, vocab, reps, contextCost, threads, modelType, folder };
        JsonLinesBench.SetAction(command, parse =>
        {
            bool llama = parse.GetValue(modelType) == "llama";
            return new Options(parse.GetValue(batch), parse.GetValue(prompt), parse.GetValue(newTokens), parse.GetValue(width),
                parse.GetValue(layers) ?? (llama ? SmolLm2Shape.Layers : 4), parse.GetValue(heads), parse.GetValue(vocab), parse.GetValue(reps),
                parse.GetValue(contextCost), parse.GetValue(threads), llama, parse.GetValue(folder)).Validate();
        }, Run);
        return command;
    }

    /// <summary>Runs the benchmark; returns its JSON lines.</summary>
    internal static IReadOnlyList<string> Run(Options options)
    {
        using var _ = Gemm.Use(threads: options.Threads);
        return Measure(options);
    }

    private static IReadOnlyList<string> Measure(Options options)
    {
        var model = options.CreateModel();
        var generator = new Generator(model);
        var rng = new Rng(2);
        var prompts = new int[options.Batch][];
        for (int i = 0; i < options.Batch; i++)
        {
            prompts[i] = new int[options.PromptTokens];
            for (int t = 0; t < options.PromptTokens; t++) prompts[i][t] = rng.NextInt(model.VocabSize);
        }
        // Warm-up: JIT, buffer pools, thread pool.
        generator.Generate(prompts, Sampling(Math.Min(options.NewTokens, 8), 0));

        if (!options.ContextCost)
        {
            double ms = MedianMilliseconds(generator, prompts, options.NewTokens, options.Repetitions);
            double tokensPerSecond = options.Batch * options.NewTokens / (ms / 1000);
            return [Line($"\"mode\":\"throughput\",\"tokens_per_s\":{tokensPerSecond:F1},\"median_ms\":{ms:F3}", options, options.NewTokens)];
        }

        var lines = new List<string>();
        var lengths = options.ContextLengths;
        var times = new double[lengths.Count];
        // Interleave the lengths within each repetition so that load changes hit all of them alike.
        var samples = lengths.Select(_ => new List<double>()).ToArray();
        for (int r = 0; r < options.Repetitions; r++)
            for (int i = 0; i < lengths.Count; i++)
                samples[i].Add(TimeMilliseconds(generator, prompts, lengths[i], r));
        for (int i = 0; i < lengths.Count; i++) times[i] = SampleMedian.Of(samples[i]);
        double basePerToken = times[0] / lengths[0];
        for (int i = 0; i < lengths.Count; i++)
        {
            double perToken = times[i] / lengths[i];
            double marginal = i == 0 ? perToken : (times[i] - times[i - 1]) / (lengths[i] - lengths[i - 1]);
            lines.Add(Line($"\"mode\":\"context\",\"median_ms\":{times[i]:F3},\"per_token_ms\":{perToken:F4}," +
                $"\"per_token_ratio\":{perToken / basePerToken:F3},\"marginal_per_token_ms\":{marginal:F4}", options, lengths[i]));
        }
        return lines;
    }

    private static string Line(string fields, Options o, int newTokens) => string.Create(CultureInfo.InvariantCulture,
        $"{{\"impl\":\"rebel\",{fields},\"batch\":{o.Batch},\"prompt_tokens\":{o.PromptTokens},\"new_tokens\":{newTokens}," +
        $"\"model_type\":\"{(o.Llama ? "llama" : "gpt2")}\",\"width\":{o.ModelWidth},\"layers\":{o.Layers},\"vocab\":{o.ModelVocab},\"reps\":{o.Repetitions},\"threads\":{o.Threads}}}");

    /// <summary>Plain sampling at τ = 1, no truncation, no EOS stop: every sequence generates exactly n tokens.</summary>
    private static GenerationOptions Sampling(int newTokens, int rep) =>
        new(MaxNewTokens: newTokens, Temperature: 1f, Seed: (ulong)(100 + rep), StopAtEos: false);

    private static double MedianMilliseconds(Generator generator, int[][] prompts, int newTokens, int reps)
    {
        var samples = new List<double>();
        for (int r = 0; r < reps; r++) samples.Add(TimeMilliseconds(generator, prompts, newTokens, r));
        return SampleMedian.Of(samples);
    }

    private static double TimeMilliseconds(Generator generator, int[][] prompts, int newTokens, int rep)
    {
        var clock = Stopwatch.StartNew();
        var results = generator.Generate(prompts, Sampling(newTokens, rep));
        double ms = clock.Elapsed.TotalMilliseconds;
        if (results.Any(s => s.Ids.Length != newTokens))
            throw new InvalidOperationException($"a sequence stopped before {newTokens} tokens; the benchmark would undercount work");
        return ms;
    }

}
