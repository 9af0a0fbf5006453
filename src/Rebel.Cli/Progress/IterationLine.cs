using System.Globalization;

namespace Rebel.Cli.Progress;

/// <summary>The one-line summary of an iteration's metrics that both progress displays print: the loss, R², mean |Δ|,
/// KL to π_ref, win rates against π_ref (batch and held-out), judge calls and seconds per phase; "-" for a missing key.</summary>
internal static class IterationLine
{
    public static string Format(IReadOnlyDictionary<string, double> m)
    {
        string F(string key, string format) => m.TryGetValue(key, out var v) ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
        var loss = m.FirstOrDefault(kv => kv.Key.StartsWith("loss/", StringComparison.Ordinal) && kv.Key is not ("loss/r2" or "loss/grad_norm"));
        return $"{loss.Key?[5..] ?? "loss"} {loss.Value.ToString("F4", CultureInfo.InvariantCulture)}  " +
            $"R² {F("loss/r2", "F2")}  |Δ| {F("targets/mean_abs_delta", "F3")}  KL {F("policy/kl_ref", "F3")}  " +
            $"win-vs-ref batch {F("policy/win_rate_vs_ref_batch", "F2")} held-out {F("eval/win_rate_vs_ref", "F3")}  judge {F("judge/calls", "F0")}  " +
            $"gen {F("time/generate", "F1")}s judge {F("time/judge", "F1")}s train {F("time/train", "F1")}s";
    }
}
