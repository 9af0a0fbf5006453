using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Rebel.Judges;
using Rebel.Judges.Spec;
using Rebel.Models.Gpt2;
using Rebel.Models.Tokenization;
using Rebel.Preference;
using Rebel.SelfPlay.Policies;
using Rebel.SelfPlay.Tournaments;

namespace Rebel.Benchmarks;

/// <summary>
/// <c>Rebel.Benchmarks tournament</c>: a full round-robin (default 8 players × 64 prompts × 2 samples = 3,584 games) with a
/// rule judge. Players are tiny randomly initialised GPT-2 policies (sampled) and completion files, both made by the
/// benchmark. After one untimed warm-up, each repetition plays into a fresh directory (nothing resumed) and writes the report; prints a Markdown
/// table of the seconds per phase of the repetition with the median total — sampling, judging (the judge's own time, then saving verdicts), statistics,
/// report — and matches per second.
/// </summary>
internal static class TournamentBench
{
    private static readonly string[] Words =
    [
        "the", "river", "forest", "mountain", "quiet", "green", "stone", "bridge", "light", "morning", "village", "wind",
        "old", "path", "water", "bird", "field", "road", "small", "warm", "cold", "north", "house", "garden",
    ];

    /// <summary>Settings of the benchmark.</summary>
    internal sealed record Options(int Players, int Models, int Prompts, int Samples, string Judge, int Repetitions, int MaxNewTokens, int Bootstrap)
    {
        /// <summary>Throws <see cref="ArgumentException"/> naming the offending value.</summary>
        public Options Validate()
        {
            if (Players < 2) throw new ArgumentException($"--players must be at least 2, got {Players}.");
            if (Models < 0 || Models > Players) throw new ArgumentException($"--models must lie in [0, --players = {Players}], got {Models}.");
            if (Prompts < 1) throw new ArgumentException($"--prompts must be at least 1, got {Prompts}.");
            if (Samples < 1) throw new ArgumentException($"--samples must be at least 1, got {Samples}.");
            if (Repetitions < 1) throw new ArgumentException($"--reps must be at least 1, got {Repetitions}.");
            if (MaxNewTokens < 1) throw new ArgumentException($"--max-new-tokens must be at least 1, got {MaxNewTokens}.");
            if (Bootstrap is < 0 or 1) throw new ArgumentException($"--bootstrap must be 0 or at least 2, got {Bootstrap}.");
            return this;
        }
    }

    public static Command Create()
    {
        var players = new Option<int>("--players") { Description = "Players in the round-robin.", DefaultValueFactory = _ => 8 };
        var models = new Option<int>("--models") { Description = "How many players are tiny random GPT-2 policies (the rest are completion files).", DefaultValueFactory = _ => 4 };
        var prompts = new Option<int>("--prompts") { Description = "Prompts.", DefaultValueFactory = _ => 64 };
        var samples = new Option<int>("--samples") { Description = "Samples per prompt per player.", DefaultValueFactory = _ => 2 };
        var judge = new Option<string>("--judge") { Description = "Judge spec (a rule judge).", DefaultValueFactory = _ => "vote(length,keywords,diversity)" };
        var reps = new Option<int>("--reps") { Description = "Repetitions (median reported).", DefaultValueFactory = _ => 3 };
        var maxNewTokens = new Option<int>("--max-new-tokens") { Description = "Length limit of the model players.", DefaultValueFactory = _ => 16 };
        var bootstrap = new Option<int>("--bootstrap") { Description = "Bootstrap resamples of the statistics (0: none).", DefaultValueFactory = _ => 1000 };
        var command = new Command("tournament", "Time a round-robin tournament with a rule judge: sampling, judging, statistics, report.")
        {
            players, models, prompts, samples, judge, reps, maxNewTokens, bootstrap,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            Options options;
            try
            {
                options = new Options(parse.GetValue(players), parse.GetValue(models), parse.GetValue(prompts), parse.GetValue(samples),
                    parse.GetRequiredValue(judge), parse.GetValue(reps), parse.GetValue(maxNewTokens), parse.GetValue(bootstrap)).Validate();
                JudgeSpec.Parse(options.Judge).Dispose();
            }
            catch (Exception e) when (e is ArgumentException or JudgeSpecException)
            {
                parse.InvocationConfiguration.Error.WriteLine(e.Message);
                return Task.FromResult(2);
            }
            return Run(options, parse.InvocationConfiguration.Output, cancellationToken);
        });
        return command;
    }

    private static async Task<int> Run(Options options, TextWriter output, CancellationToken cancellationToken)
    {
        await RunAsync(options, output, cancellationToken);
        return 0;
    }

    /// <summary>Seconds of one repetition, per phase.</summary>
    private sealed record Repetition(double Sampling, double Judge, double Saving, double Statistics, double Report, double Total, int Games);

    /// <summary>Runs the benchmark and writes a Markdown table to <paramref name="output"/>.</summary>
    public static async Task RunAsync(Options options, TextWriter output, CancellationToken cancellationToken = default)
    {
        var inv = CultureInfo.InvariantCulture;
        var scratch = Directory.CreateTempSubdirectory("rebel-bench-tournament-").FullName;
        try
        {
            var prompts = Enumerable.Range(0, options.Prompts).Select(k => $"Describe the {Words[k % Words.Length]} {Words[(k * 7 + 3) % Words.Length]} ({k})").ToArray();
            var players = Players(options, prompts, scratch);
            var rows = new List<Repetition>();
            for (int r = -1; r < options.Repetitions; r++)                               // r = −1: an untimed warm-up (JIT)
            {
                using var judge = new TimedJudge(JudgeSpec.Parse(options.Judge));
                var directory = Path.Combine(scratch, $"rep-{r + 1}");
                var clock = Stopwatch.StartNew();
                var result = await Tournament.RunAsync(players, prompts, judge, directory,
                    new TournamentOptions { Samples = options.Samples, Seed = (ulong)(r + 1), BootstrapResamples = options.Bootstrap }, cancellationToken);
                double report = Time(() => TournamentReport.Write(result, directory));
                var t = result.Timings!;
                if (r >= 0) rows.Add(new Repetition(t.Generate, judge.Seconds, t.Judge - judge.Seconds, t.Analyse, report, clock.Elapsed.TotalSeconds, result.Games.Count));
                Directory.Delete(directory, recursive: true);
            }

            int games = rows[0].Games;
            var sorted = rows.OrderBy(x => x.Total).ToArray();
            var median = sorted[sorted.Length / 2];                                  // the repetition with the median total
            double total = median.Total;
            double other = total - median.Sampling - median.Judge - median.Saving - median.Statistics - median.Report;
            output.WriteLine(string.Create(inv,
                $"# Rebel.Benchmarks tournament: {options.Players} players ({options.Models} tiny random GPT-2, {options.Players - options.Models} completion files) × " +
                $"{options.Prompts} prompts × {options.Samples} samples, round-robin = {games} games; judge {options.Judge}; bootstrap {options.Bootstrap}; " +
                $"max {options.MaxNewTokens} new tokens; the repetition with the median total of {options.Repetitions} after a warm-up " +
                $"(totals {sorted[0].Total:F3}–{sorted[^1].Total:F3} s); {Environment.ProcessorCount} cores, .NET {Environment.Version}"));
            output.WriteLine();
            output.WriteLine("| phase | seconds | share |");
            output.WriteLine("|---|---:|---:|");
            foreach (var (name, value) in new (string, double)[]
                     {
                         ("sampling (players answer every prompt)", median.Sampling),
                         ("judging (the judge's own time)", median.Judge),
                         ("saving verdicts (append + fsync per batch)", median.Saving),
                         ("statistics (win rates, BT, lottery, Condorcet, bootstrap, online Elo)", median.Statistics),
                         ("report (tournament.json, report.md, 3 SVG)", median.Report),
                         ("other (opening the store, checking saved state)", other),
                         ("total wall", total),
                     })
                output.WriteLine(string.Create(inv, $"| {name} | {value:F3} | {100 * value / total:F0}% |"));
            output.WriteLine();
            output.WriteLine(string.Create(inv, $"matches/s: {games / total:F0} overall, {games / median.Judge:F0} in the judge"));
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    // the first Models players are tiny random GPT-2 policies (one shared BPE tokenizer, different seeds); the others are
    // completion files whose answers differ in length and wording from player to player
    private static List<ITournamentPlayer> Players(Options options, string[] prompts, string scratch)
    {
        var players = new List<ITournamentPlayer>();
        if (options.Models > 0)
        {
            var corpus = Enumerable.Range(0, 200).Select(i => string.Join(' ', Enumerable.Range(0, 8).Select(j => Words[(i * 5 + j * 3) % Words.Length])));
            var tokenizer = BpeTrainer.Train(corpus, new BpeTrainerOptions { VocabSize = 320 });
            for (int m = 0; m < options.Models; m++)
            {
                var config = new Gpt2Config(tokenizer.VocabSize, 64, 32, 2, 2, BosTokenId: tokenizer.EosId, EosTokenId: tokenizer.EosId);
                var policy = new TransformerPolicy(new Gpt2Model(config, seed: (ulong)(m + 1)), tokenizer);
                players.Add(new PolicyPlayer($"model-{m}", policy, 1.0, options.MaxNewTokens));
            }
        }
        for (int f = 0; f < options.Players - options.Models; f++)
        {
            var path = Path.Combine(scratch, $"file-{f}.jsonl");
            File.WriteAllLines(path, prompts.SelectMany((p, k) => Enumerable.Range(0, options.Samples).Select(s =>
                JsonSerializer.Serialize(new { prompt = p, completion = string.Join(' ', Enumerable.Range(0, 4 + 3 * f + (k + s) % 5).Select(j => Words[(f * 11 + k + j * (f + 1)) % Words.Length])) }))));
            players.Add(CompletionFilePlayer.Load(path));
        }
        return players;
    }

    private static double Time(Action action)
    {
        long start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    /// <summary>Adds up the wall time of the judge's calls.</summary>
    private sealed class TimedJudge(IPairwiseJudge inner) : IPairwiseJudge
    {
        private long _ticks;

        public string Id => inner.Id;

        public double Seconds => Interlocked.Read(ref _ticks) / (double)Stopwatch.Frequency;

        public async Task<IReadOnlyList<Verdict>> JudgeAsync(IReadOnlyList<Comparison> comparisons, CancellationToken cancellationToken = default)
        {
            long start = Stopwatch.GetTimestamp();
            try
            {
                return await inner.JudgeAsync(comparisons, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Add(ref _ticks, Stopwatch.GetTimestamp() - start);
            }
        }

        public void Dispose() => inner.Dispose();
    }
}
