using System.CommandLine;
using System.Globalization;
using Rebel.Cli.Progress;
using Rebel.Judges;
using Rebel.Judges.Spec;
using Rebel.Models.Data;
using Rebel.Models.Gpt2;
using Rebel.SelfPlay.Tournaments;
using Rebel.SelfPlay.Training;
using Rebel.Tensors.IO;
using Rebel.Tensors.Kernels;
using Spectre.Console;

namespace Rebel.Cli.Commands;

/// <summary>
/// <c>rebel train [--config FILE] [--resume | --overwrite]</c>: the whole loop of a run — the SFT reference (built or loaded), REBEL
/// self-play against the judge, the Bradley–Terry baseline, a tournament on held-out prompts and <c>report.md</c>.
/// Without <c>--config</c> it runs the shipped default task, <c>data/default.json</c>.
/// </summary>
internal static class TrainCommand
{
    /// <summary>The configuration used when <c>--config</c> is not given (relative to the working directory).</summary>
    public const string DefaultConfig = "data/default.json";

    public static Command Create()
    {
        var config = new Option<FileInfo?>("--config") { Description = $"Run configuration (JSON; see docs/default-task.md). Default: {DefaultConfig}, the shipped task." };
        var resume = new Option<bool>("--resume") { Description = "Continue an unfinished run from its newest checkpoint (finished stages are always reused)." };
        var overwrite = new Option<bool>("--overwrite") { Description = "Discard the run folder's run (all but the cached SFT reference) and start afresh, e.g. after changing the config." };
        var command = new Command("train", "Build the reference, train it with REBEL against a pairwise judge, run the baseline and a tournament, write report.md.")
            { config, resume, overwrite };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(config)?.FullName ?? DefaultConfig, parse.GetValue(resume), parse.GetValue(overwrite),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct));
        return command;
    }

    internal static async Task<int> RunAsync(string configPath, bool resume, bool overwrite, TextWriter output, TextWriter error, CancellationToken ct)
    {
        if (resume && overwrite)
        {
            await error.WriteLineAsync("give --resume (continue the run) or --overwrite (start it afresh), not both");
            return 1;
        }
        TrainConfig config;
        try
        {
            config = TrainConfig.Load(configPath);
        }
        catch (Exception e) when (CommandErrors.IsExpected(e))
        {
            int code = CommandErrors.Report(e, error);
            if (configPath == DefaultConfig && e is FileNotFoundException)
                await error.WriteLineAsync("Run `rebel train` from the repository root (where data/default.json is), or pass --config FILE.");
            return code;
        }

        try
        {
            bool interactive = SpectreLineWriter.IsInteractive(output);
            var summary = interactive
                ? await AnsiConsole.Progress().AutoClear(false).HideCompleted(false).StartAsync(ctx =>
                    new TrainPipeline(config, new SpectreLineWriter(), (name, n) => new SpectreTrainingObserver(ctx.AddTask(name, maxValue: n)))
                        .RunAsync(resume, overwrite, ct))
                : await new TrainPipeline(config, output, (name, _) => new ConsoleTrainingObserver(output, name)).RunAsync(resume, overwrite, ct);
            await PrintSummaryAsync(summary, output);
            return 0;
        }
        catch (Exception e) when (CommandErrors.IsExpected(e))
        {
            return CommandErrors.Report(e, error);                           // 2 when training diverged
        }
    }

    private static async Task PrintSummaryAsync(TrainSummary summary, TextWriter output)
    {
        var inv = CultureInfo.InvariantCulture;
        await output.WriteLineAsync();
        if (summary.Tournament is { } t)
        {
            var a = t.Analysis;
            var names = t.Players;
            string Rate(int i, int j) => a.WinRateIntervals is { } ci
                ? string.Create(inv, $"{a.WinRates[i][j]:0.000} {IntervalText.Format(ci[i][j])}")
                : string.Create(inv, $"{a.WinRates[i][j]:0.000}");
            bool first = true;
            foreach (var (i, j) in summary.Matchups)
            {
                await output.WriteLineAsync($"Win rate of {names[i]} vs {names[j]}{(first ? " on held-out prompts" : "")}: {Rate(i, j)}");
                first = false;
            }
            int top = summary.TopLotteryPlayer;
            await output.WriteLineAsync(string.Create(inv, $"Largest maximal-lottery weight: {names[top]} ({a.Lottery.Weights[top]:0.00})"));
        }
        await output.WriteLineAsync(string.Create(inv,
            $"Time: {string.Join(", ", summary.Timings.Select(s => string.Create(inv, $"{s.Stage} {s.Seconds:0}s")))}; total {summary.Timings.Sum(s => s.Seconds):0}s"));
        await output.WriteLineAsync($"Final checkpoint: {summary.FinalCheckpoint}");
        await output.WriteLineAsync($"Report: {summary.ReportPath}");
    }
}
