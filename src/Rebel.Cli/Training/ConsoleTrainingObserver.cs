using System.Globalization;
using Rebel.SelfPlay.Training;

namespace Rebel.Cli.Training;

/// <summary>
/// Prints training progress as plain lines (for redirected output and logs): one line per iteration with the loss,
/// R², mean |Δ|, KL to π_ref, win rate, judge calls and seconds per phase.
/// </summary>
internal sealed class ConsoleTrainingObserver(TextWriter output, string name = "REBEL") : ITrainingObserver
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
        string F(string key, string format) => m.TryGetValue(key, out var v) ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
        var loss = m.FirstOrDefault(kv => kv.Key.StartsWith("loss/", StringComparison.Ordinal) && kv.Key is not ("loss/r2" or "loss/grad_norm"));
        output.WriteLine(
            $"  it {iteration,4}/{_iterations}  {loss.Key?[5..] ?? "loss"} {loss.Value.ToString("F4", CultureInfo.InvariantCulture)}  " +
            $"R² {F("loss/r2", "F2")}  |Δ| {F("targets/mean_abs_delta", "F3")}  KL {F("policy/kl_ref", "F3")}  " +
            $"win-vs-ref batch {F("policy/win_rate_vs_ref_batch", "F2")} held-out {F("eval/win_rate_vs_ref", "F3")}  judge {F("judge/calls", "F0")}  " +
            $"gen {F("time/generate", "F1")}s judge {F("time/judge", "F1")}s train {F("time/train", "F1")}s");
    }
}
