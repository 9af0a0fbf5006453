using System.Globalization;
using Rebel.SelfPlay.Training;
using Spectre.Console;

namespace Rebel.Cli.Training;

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
        string F(string key, string format) => m.TryGetValue(key, out var v) ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
        var loss = m.FirstOrDefault(kv => kv.Key.StartsWith("loss/", StringComparison.Ordinal) && kv.Key is not ("loss/r2" or "loss/grad_norm"));
        AnsiConsole.MarkupLineInterpolated(
            $"[grey]it {iteration,4}[/]  {loss.Key?[5..] ?? "loss"} {loss.Value.ToString("F4", CultureInfo.InvariantCulture)}  R² {F("loss/r2", "F2")}  KL {F("policy/kl_ref", "F3")}  win-vs-ref batch {F("policy/win_rate_vs_ref_batch", "F2")} held-out {F("eval/win_rate_vs_ref", "F3")}  judge {F("judge/calls", "F0")}  [grey]gen {F("time/generate", "F1")}s judge {F("time/judge", "F1")}s train {F("time/train", "F1")}s[/]");
    }
}
