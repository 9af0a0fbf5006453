using System.Globalization;
using Rebel.SelfPlay.Training;
using Spectre.Console;

namespace Rebel.Cli.Progress;

/// <summary>A live Spectre.Console progress bar for interactive runs: phase in the description, one summary line per iteration.</summary>
internal sealed class SpectreTrainingObserver(ProgressTask task) : ITrainingObserver
{
    public void OnStart(int firstIteration, int iterations)
    {
        task.MaxValue = iterations;
        task.Value = firstIteration - 1;
    }

    public void OnPhase(int iteration, string phase) => task.Description = $"iteration {iteration}: {phase}";

    public void OnIteration(int iteration, IReadOnlyDictionary<string, double> m)
    {
        task.Value = iteration;
        AnsiConsole.MarkupLineInterpolated($"[grey]it {iteration,4}[/]  {IterationLine.Format(m)}");
    }
}
