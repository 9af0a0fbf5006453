using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Rebel.Models.Data;
using Rebel.SelfPlay.Games.Algorithms;
using Rebel.Benchmarks.Games;

namespace Rebel.Benchmarks;

/// <summary>
/// <c>Rebel.Benchmarks games</c>: every game algorithm × every game × exact and sampled mode, each algorithm with its one
/// default setting for all games; prints Markdown tables of last- and average-iterate exploitability at T and of the
/// iterations the last iterate needs to stay under the mode's threshold. <c>--markdown FILE</c> also writes them to a
/// file; <c>--plots DIR</c> writes one exploitability-against-iterations SVG per game and mode.
/// </summary>
internal static class GamesBench
{
    public static Command Create()
    {
        var defaults = new GameBenchmarkOptions();
        var games = ListOption("--games", $"Games (built-in names or game files), comma-separated (default: {string.Join(",", defaults.Games)}).");
        var algorithms = ListOption("--algorithms", $"Algorithms, comma-separated (default: {string.Join(",", GameAlgorithms.Names)}).");
        var modes = ListOption("--modes", "exact, sampled or both, comma-separated (default: exact,sampled).");
        var iterations = new Option<int>("--iterations") { Description = "T in exact mode.", DefaultValueFactory = _ => defaults.ExactIterations };
        var sampledIterations = new Option<int>("--sampled-iterations") { Description = "T in sampled mode.", DefaultValueFactory = _ => defaults.SampledIterations };
        var samples = new Option<int>("--samples") { Description = "S: pairs per iteration in sampled mode.", DefaultValueFactory = _ => defaults.Samples };
        var seeds = new Option<int>("--seeds") { Description = "Seeds per cell, worst reported (random-N: one matrix per seed).", DefaultValueFactory = _ => defaults.Seeds };
        var threshold = new Option<double>("--threshold") { Description = "Exact-mode target on last-iterate exploitability.", DefaultValueFactory = _ => defaults.ExactThreshold };
        var sampledThreshold = new Option<double>("--sampled-threshold") { Description = "Sampled-mode target.", DefaultValueFactory = _ => defaults.SampledThreshold };
        var setting = new Option<string>("--setting") { Description = "Defaults used: per-mode, exact or sampled (one setting in both modes).", DefaultValueFactory = _ => "per-mode" };
        var markdown = new Option<FileInfo?>("--markdown") { Description = "Also write the tables to this Markdown file." };
        var plots = new Option<DirectoryInfo?>("--plots") { Description = "Write GAME-MODE.svg exploitability plots here." };
        var command = new Command("games", "Every game algorithm × game × mode: last/average exploitability and iterations to a threshold.")
        {
            games, algorithms, modes, iterations, sampledIterations, samples, seeds, threshold, sampledThreshold, setting, markdown, plots,
        };
        command.SetAction(parse =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            try
            {
                var options = new GameBenchmarkOptions
                {
                    Games = parse.GetResult(games) is null ? defaults.Games : parse.GetValue(games) ?? [],
                    Algorithms = parse.GetResult(algorithms) is null ? defaults.Algorithms : parse.GetValue(algorithms) ?? [],
                    Modes = parse.GetResult(modes) is null ? defaults.Modes : (parse.GetValue(modes) ?? []).Select(ParseMode).ToList(),
                    ExactIterations = parse.GetValue(iterations),
                    SampledIterations = parse.GetValue(sampledIterations),
                    Samples = parse.GetValue(samples),
                    Seeds = parse.GetValue(seeds),
                    ExactThreshold = parse.GetValue(threshold),
                    SampledThreshold = parse.GetValue(sampledThreshold),
                    Setting = ParseSetting(parse.GetRequiredValue(setting)),
                }.Validate();
                var loadBefore = LoadAverage();
                var result = GameBenchmark.Run(options, cell => stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{cell.Mode.ToString().ToLowerInvariant(),-7} {cell.Game,-20} {cell.Algorithm,-17} last {GameBenchmarkReport.Format(cell.Exploitability),-8} " +
                    $"average {GameBenchmarkReport.Format(cell.AverageExploitability),-8} {cell.Seconds,6:F1} s")));
                var machine = string.Create(CultureInfo.InvariantCulture,
                    $"Machine: {Environment.ProcessorCount} logical CPUs, .NET {Environment.Version}, load average {loadBefore} at start and {LoadAverage()} at the end; " +
                    $"{result.Seconds:F0} s in all, single-threaded.");
                var text = GameBenchmarkReport.Markdown(result) + "\n" + machine + "\n";
                stdout.Write(text);
                if (parse.GetValue(markdown) is { } file) AtomicFile.WriteAllText(file.FullName, text);
                if (parse.GetValue(plots) is { } directory)
                    foreach (var path in GameBenchmarkReport.WritePlots(result, directory.FullName)) stderr.WriteLine($"wrote {path}");
                return 0;
            }
            catch (Exception e) when (e is ArgumentException or DataFormatException or FileNotFoundException or ArithmeticException)
            {
                stderr.WriteLine($"games: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    private static Option<string[]?> ListOption(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = r => r.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray(),
        AllowMultipleArgumentsPerToken = true,
    };

    private static GameMode ParseMode(string mode) => mode switch
    {
        "exact" => GameMode.Exact,
        "sampled" => GameMode.Sampled,
        _ => throw new ArgumentException($"--modes: unknown mode \"{mode}\" (exact or sampled)."),
    };

    private static DefaultSetting ParseSetting(string setting) => setting switch
    {
        "per-mode" => DefaultSetting.PerMode,
        "exact" => DefaultSetting.Exact,
        "sampled" => DefaultSetting.Sampled,
        _ => throw new ArgumentException($"--setting: unknown setting \"{setting}\" (per-mode, exact or sampled)."),
    };

    /// <summary>The 1-minute load average from /proc/loadavg, or "unknown" where there is none.</summary>
    private static string LoadAverage()
    {
        try { return File.ReadAllText("/proc/loadavg").Split(' ')[0]; }
        catch (IOException) { return "unknown"; }
        catch (UnauthorizedAccessException) { return "unknown"; }
    }
}
