using System.Globalization;
using Rebel.SelfPlay.Training;

namespace Rebel.Examples.Train;

/// <summary>Progress of one REBEL run as one line per iteration: its loss and, when measured, the held-out win rate against π_ref.</summary>
internal sealed class IterationPrinter(TextWriter output, string run, int iterations) : ITrainingObserver
{
    public void OnStart(int firstIteration, int total) => output.WriteLine($"{run}: iterations {firstIteration}–{total}");

    public void OnPhase(int iteration, string phase) { }

    public void OnIteration(int iteration, IReadOnlyDictionary<string, double> metrics)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"  {run} {iteration}/{iterations}: loss {metrics.GetValueOrDefault("loss/rebel"):0.0000}");
        if (metrics.TryGetValue("eval/win_rate_vs_ref", out var win))
            line += string.Create(CultureInfo.InvariantCulture, $", win rate vs π_ref {win:0.000}");
        output.WriteLine(line);
    }
}
