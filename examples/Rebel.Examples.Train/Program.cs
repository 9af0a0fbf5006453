using System.Globalization;
using Rebel.SelfPlay.Pipeline;

namespace Rebel.Examples.Train;

/// <summary>
/// Runs the whole <c>rebel train</c> pipeline from C# on a task small enough to finish in seconds: an SFT reference
/// built from a tiny corpus, REBEL self-play against a rule judge, the Bradley–Terry baseline, a tournament on held-out
/// prompts and <c>report.md</c>. Usage: <c>dotnet run --project examples/Rebel.Examples.Train [WORK_DIR]</c>.
/// </summary>
public static class Program
{
    /// <summary>Runs the example in <c>args[0]</c> (default: a folder under the temporary directory); 0 on success,
    /// 1 with one line on standard error when the libraries report an error.</summary>
    public static async Task<int> Main(string[] args)
    {
        var workDirectory = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "rebel-example-train");
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };   // Ctrl-C stops within a step
        try
        {
            await RunAsync(workDirectory, Console.Out, cancel.Token);
            return 0;
        }
        catch (RebelException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 1;
        }
    }

    /// <summary>Writes the tiny task into <paramref name="workDirectory"/>, runs the pipeline there from scratch and prints
    /// the headline results to <paramref name="output"/>; returns the pipeline's summary.</summary>
    public static async Task<TrainSummary> RunAsync(string workDirectory, TextWriter output, CancellationToken cancellationToken = default)
    {
        // 1. a validated, immutable config: here built in code (TrainConfig.Load reads the same record from JSON)
        TrainConfig config = TinyTask.Write(workDirectory);

        // 2. the pipeline: stage messages and one line per REBEL iteration go to `output`
        var pipeline = new TrainPipeline(config, output, (run, iterations) => new IterationPrinter(output, run, iterations));
        TrainSummary summary = await pipeline.RunAsync(overwrite: true, ct: cancellationToken);

        // 3. what the report shows, from the summary
        if (summary.Tournament is { } tournament)
        {
            var rates = tournament.Analysis.WinRates;
            foreach (var (player, opponent) in summary.Matchups)
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"win rate of {tournament.Players[player]} vs {tournament.Players[opponent]}: {rates[player][opponent]:0.000}"));
        }
        output.WriteLine($"final checkpoint: {summary.FinalCheckpoint}");
        output.WriteLine($"report: {summary.ReportPath}");
        return summary;
    }
}
