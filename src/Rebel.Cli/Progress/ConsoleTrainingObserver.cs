using System.Globalization;
using Rebel.SelfPlay.Training;

namespace Rebel.Cli.Progress;

/// <summary>
/// Prints training progress as plain lines (for redirected output and logs): one line per iteration with the loss,
/// R², mean |Δ|, KL to π_ref, win rate, judge calls and seconds per phase. The start line carries
/// <c>name</c>, the run it reports on (the pipeline's arm: self-play or baseline).
/// </summary>
internal sealed class ConsoleTrainingObserver(TextWriter output, string name) : ITrainingObserver
{
    private int _iterations;

    public void OnStart(int firstIteration, int iterations)
    {
        _iterations = iterations;
        output.WriteLine(firstIteration == 1
            ? $"{name}: {iterations} iterations"
            : $"{name}: resuming at iteration {firstIteration} of {iterations}");
    }

    public void OnPhase(int iteration, string phase) { }

    public void OnIteration(int iteration, IReadOnlyDictionary<string, double> m)
    {
        output.WriteLine($"  it {iteration,4}/{_iterations}  {IterationLine.Format(m)}");
    }
}
