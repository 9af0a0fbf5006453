using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Rebel.Judges;
using Rebel.Judges.Models;
using Rebel.Judges.Onnx;
using Rebel.Models.Gpt2;
using Rebel.Models.Tokenization;
using Rebel.Preference;
using Rebel.Preference.Models;
using Rebel.Tensors;
using Rebel.Tensors.Kernels;

namespace Rebel.Benchmarks;

/// <summary>
/// <c>Rebel.Benchmarks judge</c>: pairs judged per second by a <see cref="PreferenceModelJudge"/> over a randomly initialised
/// preference model (GPT-2 backbone of width C, or the hashed-feature encoder with hidden width D = C), on synthetic
/// prompts and completions of a fixed token length. Two workloads, timed alternately, medians of repetitions:
/// <c>distinct</c> (every pair brings two completions never seen before: 2 encoder passes per pair, the worst case) and
/// <c>k-way</c> (K completions per prompt, all K(K−1)/2 pairs asked: each completion is embedded once, as in a REBEL
/// iteration with K samples per prompt). Prints one JSON line per workload.
/// </summary>
internal static class JudgeBench
{
    /// <summary>Settings of the benchmark.</summary>
    internal sealed record Options(string Encoder, string Kind, int Width, int Layers, int Heads, int PromptTokens, int CompletionTokens,
        int Pairs, int PerPrompt, int Repetitions, int Threads, string? Onnx = null)
    {
        /// <summary>Throws <see cref="ArgumentException"/> naming the offending value.</summary>
        public Options Validate()
        {
            if (Encoder is not ("gpt2" or "features")) throw new ArgumentException($"--encoder must be gpt2 or features, got '{Encoder}'.");
            if (Kind is not ("bt" or "gpm")) throw new ArgumentException($"--kind must be bt or gpm, got '{Kind}'.");
            if (Heads < 1 || Width < 1 || Width % Heads != 0) throw new ArgumentException($"--width {Width} must be a positive multiple of --heads {Heads}.");
            if (Layers < 1) throw new ArgumentException($"--layers must be at least 1, got {Layers}.");
            if (PromptTokens < 1 || CompletionTokens < 1)
                throw new ArgumentException($"--prompt-tokens and --completion-tokens must be at least 1, got {PromptTokens} and {CompletionTokens}.");
            if (Pairs < 1) throw new ArgumentException($"--pairs must be at least 1, got {Pairs}.");
            if (PerPrompt < 2) throw new ArgumentException($"--k must be at least 2, got {PerPrompt}.");
            if (Repetitions < 1) throw new ArgumentException($"--reps must be at least 1, got {Repetitions}.");
            if (Threads < 1) throw new ArgumentException($"--threads must be at least 1, got {Threads}.");
            if (Onnx is { } folder && !Directory.Exists(folder)) throw new ArgumentException($"--onnx {folder}: no such folder.");
            return this;
        }
    }

    public static Command Create()
    {
        var encoder = new Option<string>("--encoder") { Description = "gpt2 (a random GPT-2 backbone) or features (hashed words + MLP).", DefaultValueFactory = _ => "gpt2" };
        var kind = new Option<string>("--kind") { Description = "bt (Bradley–Terry) or gpm (general preference model).", DefaultValueFactory = _ => "gpm" };
        var width = new Option<int>("--width") { Description = "C: GPT-2 width, or the features encoder's hidden width.", DefaultValueFactory = _ => 256 };
        var layers = new Option<int>("--layers") { Description = "GPT-2 blocks.", DefaultValueFactory = _ => 4 };
        var heads = new Option<int>("--heads") { Description = "GPT-2 attention heads.", DefaultValueFactory = _ => 4 };
        var promptTokens = new Option<int>("--prompt-tokens") { Description = "Tokens per prompt.", DefaultValueFactory = _ => 16 };
        var completionTokens = new Option<int>("--completion-tokens") { Description = "Tokens per completion.", DefaultValueFactory = _ => 64 };
        var pairs = new Option<int>("--pairs") { Description = "Pairs judged per repetition and workload.", DefaultValueFactory = _ => 256 };
        var perPrompt = new Option<int>("--k") { Description = "Completions per prompt in the k-way workload.", DefaultValueFactory = _ => 8 };
        var reps = new Option<int>("--reps") { Description = "Timed repetitions (median reported).", DefaultValueFactory = _ => 3 };
        var threads = new Option<int>("--threads") { Description = "GEMM threads.", DefaultValueFactory = _ => 2 };
        var onnx = new Option<string?>("--onnx") { Description = "Time this onnx: judge folder instead of a random preference model (its judge.json sets its threads)." };
        var command = new Command("judge", "Pairs/s of PreferenceModelJudge over a random preference model, or of an onnx: judge (distinct pairs and K-way per prompt).")
            { encoder, kind, width, layers, heads, promptTokens, completionTokens, pairs, perPrompt, reps, threads, onnx };
        JsonLinesBench.SetAction(command, parse => new Options(parse.GetValue(encoder)!, parse.GetValue(kind)!, parse.GetValue(width), parse.GetValue(layers), parse.GetValue(heads),
            parse.GetValue(promptTokens), parse.GetValue(completionTokens), parse.GetValue(pairs), parse.GetValue(perPrompt),
            parse.GetValue(reps), parse.GetValue(threads), parse.GetValue(onnx)).Validate(), Run);
        return command;
    }

    /// <summary>Runs the benchmark; returns one JSON line per workload.</summary>
    internal static IReadOnlyList<string> Run(Options options)
    {
        using var _ = Gemm.Use(threads: options.Threads);
        return Measure(options);
    }

    private static IReadOnlyList<string> Measure(Options o)
    {
        var text = new SyntheticText(seed: 3);
        var tokenizer = BpeTrainer.Train(text.Corpus(2000), new BpeTrainerOptions { VocabSize = 512 });
        var rng = new Rng(1);
        ICompletionEncoder encoder = o.Encoder == "gpt2"
            ? new TransformerCompletionEncoder(new Gpt2Model(new Gpt2Config(tokenizer.VocabSize, o.PromptTokens + o.CompletionTokens + 1, o.Width, o.Layers, o.Heads,
                EosTokenId: tokenizer.EosId), seed: 1), tokenizer)
            : new HashedFeatureEncoder(new HashedFeatureEncoderOptions { Hidden = o.Width }, rng);
        using IPairwiseJudge judge = o.Onnx is { } folder
            ? OnnxJudge.Load(folder)
            : new PreferenceModelJudge(o.Kind == "bt" ? new BradleyTerryRewardModel(encoder, rng) : new GeneralPreferenceModel(encoder, 4, 1.0, rng));
        string encoderName = o.Onnx is null ? o.Encoder : "onnx", kindName = judge is OnnxJudge onnxJudge ? onnxJudge.Options.Kind.ToString().ToLowerInvariant() : o.Kind;

        // Fresh texts for every repetition, so no cache or ordering effect carries over between them.
        int k = o.PerPrompt, pairsPerPrompt = k * (k - 1) / 2, prompts = Math.Max(1, (o.Pairs + pairsPerPrompt - 1) / pairsPerPrompt);
        var workloads = new (string Name, Func<int, List<Comparison>> Make)[]
        {
            ("distinct", rep => Enumerable.Range(0, o.Pairs).Select(i => new Comparison(
                text.Exactly(tokenizer, o.PromptTokens, rep, 3 * i), text.Exactly(tokenizer, o.CompletionTokens, rep, 3 * i + 1),
                text.Exactly(tokenizer, o.CompletionTokens, rep, 3 * i + 2))).ToList()),
            ($"{k}-way", rep => Enumerable.Range(0, prompts).SelectMany(p =>
            {
                string prompt = text.Exactly(tokenizer, o.PromptTokens, rep, 1_000_000 + p * (k + 1));
                var ys = Enumerable.Range(0, k).Select(j => text.Exactly(tokenizer, o.CompletionTokens, rep, 1_000_000 + p * (k + 1) + 1 + j)).ToArray();
                return from a in Enumerable.Range(0, k) from b in Enumerable.Range(a + 1, k - a - 1) select new Comparison(prompt, ys[a], ys[b]);
            }).ToList()),
        };
        judge.JudgeAsync(workloads[1].Make(-1).Take(2 * k).ToList()).GetAwaiter().GetResult(); // warm-up: JIT, pools

        var samples = workloads.Select(_ => new List<double>()).ToArray();
        var cpuSamples = workloads.Select(_ => new List<double>()).ToArray();
        var process = Process.GetCurrentProcess();
        var counts = new int[workloads.Length];
        var completions = new int[workloads.Length];
        var tokens = new double[workloads.Length];
        for (int r = 0; r < o.Repetitions; r++)
            for (int w = 0; w < workloads.Length; w++)
            {
                int which = r % 2 == 0 ? w : workloads.Length - 1 - w; // alternate the order
                var comparisons = workloads[which].Make(r);
                process.Refresh();
                var cpuStart = process.TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                var verdicts = judge.JudgeAsync(comparisons).GetAwaiter().GetResult();
                samples[which].Add(clock.Elapsed.TotalSeconds);
                process.Refresh();
                cpuSamples[which].Add((process.TotalProcessorTime - cpuStart).TotalSeconds);
                if (verdicts.Count != comparisons.Count) throw new InvalidOperationException("the judge returned the wrong number of verdicts");
                counts[which] = comparisons.Count;
                var distinctCompletions = comparisons.SelectMany(c => new[] { c.A, c.B }).Distinct().ToList();
                completions[which] = distinctCompletions.Count;
                tokens[which] = distinctCompletions.Average(y => tokenizer.Encode(y, allowSpecialTokens: false).Length);
            }

        var lines = new List<string>();
        for (int w = 0; w < workloads.Length; w++)
        {
            double seconds = SampleMedian.Of(samples[w]), cpu = SampleMedian.Of(cpuSamples[w]);
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"{{\"impl\":\"rebel\",\"workload\":\"{workloads[w].Name}\",\"encoder\":\"{encoderName}\",\"kind\":\"{kindName}\",\"width\":{(o.Onnx is null ? o.Width : 0)}," +
                $"\"layers\":{(o.Onnx is null && o.Encoder == "gpt2" ? o.Layers : 0)},\"pairs\":{counts[w]},\"completions\":{completions[w]}," +
                $"\"completion_tokens\":{tokens[w]:F1},\"prompt_tokens\":{o.PromptTokens},\"median_s\":{seconds:F6}," +
                $"\"pairs_per_s\":{counts[w] / seconds:F1},\"completions_per_s\":{completions[w] / seconds:F1}," +
                $"\"cpu_s\":{cpu:F6},\"pairs_per_cpu_s\":{(cpu > 0 ? (counts[w] / cpu).ToString("F1", CultureInfo.InvariantCulture) : "null")},\"reps\":{o.Repetitions},\"threads\":{o.Threads}}}"));
        }
        return lines;
    }


    /// <summary>Made-up words from syllables: a corpus to train a small BPE on, and texts of an exact token count.</summary>
    private sealed class SyntheticText(ulong seed)
    {
        private static readonly string[] Syllables =
            ["ka", "lo", "mi", "ten", "ra", "shu", "ve", "dor", "pin", "al", "ex", "qua", "zo", "bri", "nel", "tor", "sa", "fu", "gle", "ost"];

        private readonly ulong _seed = seed;

        public IEnumerable<string> Corpus(int sentences)
        {
            var rng = new Rng(_seed);
            for (int i = 0; i < sentences; i++) yield return Sentence(rng, 12);
        }

        /// <summary>A text that the tokenizer encodes to exactly <paramref name="tokens"/> ids (the decoded first ids of a longer text).</summary>
        public string Exactly(ITokenizer tokenizer, int tokens, int rep, int index)
        {
            var rng = new Rng(Rng.DeriveSeed(Rng.DeriveSeed(_seed, (ulong)(rep + 2)), (ulong)index));
            var text = Sentence(rng, tokens); // at least one token per word
            var ids = tokenizer.Encode(text, allowSpecialTokens: false);
            return tokenizer.Decode(ids.AsSpan(0, Math.Min(tokens, ids.Length)));
        }

        private static string Sentence(Rng rng, int words)
        {
            var sb = new StringBuilder();
            for (int w = 0; w < words; w++)
            {
                if (w > 0) sb.Append(' ');
                int parts = 1 + rng.NextInt(3);
                for (int s = 0; s < parts; s++) sb.Append(Syllables[rng.NextInt(Syllables.Length)]);
            }
            return sb.ToString();
        }
    }
}
