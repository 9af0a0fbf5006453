using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Rebel.Models.Tokenization;

namespace Rebel.Benchmarks;

/// <summary>
/// <c>Rebel.Benchmarks tokenizer</c>: single-thread encoding and decoding speed of the tokenizer runtime
/// (<see cref="HuggingFaceTokenizer"/>, on Microsoft.ML.Tokenizers for byte-level BPE), in MB/s of UTF-8 input
/// (1 MB = 10⁶ bytes). "cold" encodes with a freshly loaded tokenizer (empty caches, the first pass over a text);
/// "warm" encodes again with the same instance, the steady state of a long run. For a GPT-2 layout directory
/// (vocab.json + merges.txt, or encoder.json + vocab.bpe) the former hand-written encoder is timed in the same run as
/// the baseline, its ids checked equal. Medians of repetitions.
/// </summary>
internal static class TokenizerBench
{
    /// <summary>Settings of the benchmark.</summary>
    internal sealed record Options(string TokenizerDirectory, IReadOnlyList<string> Inputs, int Repetitions, bool CpuTime)
    {
        /// <summary>Throws <see cref="ArgumentException"/> naming the offending value.</summary>
        public Options Validate()
        {
            if (Repetitions < 1) throw new ArgumentException($"--reps must be at least 1, got {Repetitions}.");
            if (Inputs.Count == 0) throw new ArgumentException("--input needs at least one text file.");
            foreach (var f in Inputs) if (!File.Exists(f)) throw new ArgumentException($"--input {f}: file not found.");
            if (CpuTime && !ThreadCpuClock.IsSupported) throw new ArgumentException("--cpu-time needs Linux.");
            return this;
        }
    }

    public static Command Create()
    {
        var tokenizer = new Option<DirectoryInfo>("--tokenizer") { Description = "Tokenizer directory (e.g. GPT-2's files).", Required = true };
        var input = new Option<FileInfo[]>("--input")
        {
            Description = "Text file(s) to encode, concatenated (e.g. English prose).",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var reps = new Option<int>("--reps") { Description = "Timed repetitions (median reported).", DefaultValueFactory = _ => 5 };
        var cpuTime = new Option<bool>("--cpu-time") { Description = "Time with the thread's CPU clock instead of the wall clock." };
        var command = new Command("tokenizer", "Tokenizer encode/decode speed in MB/s on one thread, cold and warm cache, beside the former hand-written encoder.")
        {
            tokenizer, input, reps, cpuTime,
        };
        command.SetAction(parse =>
        {
            Options options;
            try
            {
                options = new Options(
                    parse.GetValue(tokenizer)!.FullName,
                    (parse.GetValue(input) ?? []).Select(f => f.FullName).ToList(),
                    parse.GetValue(reps),
                    parse.GetValue(cpuTime)).Validate();
            }
            catch (ArgumentException e)
            {
                parse.InvocationConfiguration.Error.WriteLine(e.Message);
                return 2;
            }
            Run(options, parse.InvocationConfiguration.Output);
            return 0;
        });
        return command;
    }

    /// <summary>Runs the benchmark and writes a Markdown table to <paramref name="output"/>.</summary>
    public static void Run(Options options, TextWriter output)
    {
        var inv = CultureInfo.InvariantCulture;
        string text = string.Concat(options.Inputs.Select(File.ReadAllText));
        double megabytes = Encoding.UTF8.GetByteCount(text) / 1e6;
        Func<double> clock = options.CpuTime ? ThreadCpuClock.Now : () => Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;

        var cold = new List<double>();
        var warm = new List<double>();
        var decode = new List<double>();
        var baselineCold = new List<double>();
        var baselineWarm = new List<double>();
        var gpt2Files = Gpt2Files(options.TokenizerDirectory);
        int[] ids = [];
        for (int r = 0; r < options.Repetitions; r++)
        {
            var fresh = TokenizerFiles.Load(options.TokenizerDirectory);
            cold.Add(Time(clock, () => ids = fresh.Encode(text)));
            warm.Add(Time(clock, () => ids = fresh.Encode(text)));
            decode.Add(Time(clock, () => fresh.Decode(ids)));
            if (gpt2Files is not { } files) continue;
            var vocab = VocabMergesFormat.ReadVocab(files.Vocab);
            var baseline = new Gpt2BaselineEncoder(vocab, VocabMergesFormat.ReadMerges(files.Merges, vocab), fresh.SpecialTokens);
            int[] baselineIds = [];
            baselineCold.Add(Time(clock, () => baselineIds = baseline.Encode(text)));
            baselineWarm.Add(Time(clock, () => baselineIds = baseline.Encode(text)));
            if (!baselineIds.SequenceEqual(ids)) throw new InvalidOperationException("the hand-written baseline and the runtime disagree on the ids");
        }

        output.WriteLine(string.Create(inv,
            $"# Rebel.Benchmarks tokenizer: {megabytes:F3} MB of UTF-8 from {options.Inputs.Count} file(s), {ids.Length} tokens " +
            $"({megabytes * 1e6 / ids.Length:F2} bytes/token), reps={options.Repetitions} (median, " +
            $"{(options.CpuTime ? "thread CPU time" : "wall clock")}), one thread, .NET {Environment.Version}"));
        output.WriteLine();
        output.WriteLine("| pass | MB/s | seconds |");
        output.WriteLine("|---|---:|---:|");
        var rows = new List<(string, List<double>)> { ("encode, cold cache", cold), ("encode, warm cache", warm), ("decode", decode) };
        if (baselineCold.Count > 0)
        {
            rows.Add(("hand-written encode, cold cache", baselineCold));
            rows.Add(("hand-written encode, warm cache", baselineWarm));
        }
        foreach (var (name, times) in rows)
        {
            double median = SampleMedian.Of(times);
            output.WriteLine(string.Create(inv, $"| {name} | {megabytes / median:F2} | {median:F3} |"));
        }
        if (baselineCold.Count > 0)
        {
            output.WriteLine();
            output.WriteLine(string.Create(inv,
                $"library / hand-written: cold {SampleMedian.Of(baselineCold) / SampleMedian.Of(cold):F2}×, warm {SampleMedian.Of(baselineWarm) / SampleMedian.Of(warm):F2}× (above 1: the library is faster)"));
        }
    }

    private static (string Vocab, string Merges)? Gpt2Files(string directory)
    {
        foreach (var (vocab, merges) in new[] { (TokenizerFiles.VocabJson, TokenizerFiles.MergesTxt), ("encoder.json", "vocab.bpe") })
        {
            if (File.Exists(Path.Combine(directory, vocab)) && File.Exists(Path.Combine(directory, merges)))
                return (Path.Combine(directory, vocab), Path.Combine(directory, merges));
        }
        return null;
    }

    private static double Time(Func<double> clock, Action action)
    {
        double start = clock();
        action();
        return clock() - start;
    }

}
