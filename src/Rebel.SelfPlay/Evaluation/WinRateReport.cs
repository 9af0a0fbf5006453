using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rebel.Models.Data;
using static Rebel.SelfPlay.Reporting.JsonNumbers;

namespace Rebel.SelfPlay.Evaluation;

/// <summary>
/// Writes a win-rate evaluation, each file atomically: <c>eval.json</c> (the statistics of <see cref="ToJson"/> plus
/// the run's settings) and <c>verdicts.jsonl</c> (one line per prompt and sample: <c>prompt_index</c>, <c>sample</c>,
/// <c>prompt</c>, <c>completion</c>, <c>reference_completion</c>, <c>p</c> = P(completion ≻ reference_completion)).
/// The saved state of a resumable run (<see cref="WinRateEvaluator.RunAsync"/>) lives beside them.
/// </summary>
public static class WinRateReport
{
    /// <summary>
    /// The statistics as JSON: <c>win_rate</c>, <c>standard_error</c>, <c>interval</c> [low, high], <c>confidence</c>,
    /// <c>wins</c>, <c>ties</c>, <c>losses</c>, <c>count</c>, <c>prompts</c>, <c>samples</c>, <c>lc_win_rate</c>,
    /// <c>lc_standard_error</c>, <c>lc_interval</c> [σ(β₀ − 1.96 SE(β₀)), σ(β₀ + 1.96 SE(β₀))], <c>length_model</c> (intercept, slope, their standard errors, length_scale, iterations,
    /// converged), <c>mean_length</c>, <c>mean_reference_length</c>. Undefined numbers (NaN, ±∞) are null.
    /// </summary>
    public static JsonObject ToJson(WinRateResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var lc = result.LengthControlled;
        return new JsonObject
        {
            ["win_rate"] = Number(result.WinRate),
            ["standard_error"] = Number(result.StandardError),
            ["interval"] = result.Interval is null ? null : Interval(result.Interval.Lower, result.Interval.Upper),
            ["confidence"] = result.Confidence,
            ["wins"] = result.Wins,
            ["ties"] = result.Ties,
            ["losses"] = result.Losses,
            ["count"] = result.Count,
            ["prompts"] = result.Prompts,
            ["samples"] = result.Samples,
            ["lc_win_rate"] = Number(lc.WinRate),
            ["lc_standard_error"] = Number(lc.StandardError),
            ["lc_interval"] = lc.Converged ? Interval(lc.IntervalLower, lc.IntervalUpper) : null,
            ["length_model"] = new JsonObject
            {
                ["intercept"] = Number(lc.Intercept),
                ["slope"] = Number(lc.Slope),
                ["intercept_standard_error"] = Number(lc.InterceptStandardError),
                ["slope_standard_error"] = Number(lc.SlopeStandardError),
                ["length_scale"] = Number(lc.LengthScale),
                ["iterations"] = lc.Iterations,
                ["converged"] = lc.Converged,
            },
            ["mean_length"] = Number(result.MeanLength),
            ["mean_reference_length"] = Number(result.MeanReferenceLength),
        };
    }

    /// <summary>
    /// Writes <c>eval.json</c> (<paramref name="settings"/>' keys first, e.g. policy, reference, judge and seed, then the
    /// statistics) and <c>verdicts.jsonl</c> (prompt-major, replacing the append-order log of a
    /// <see cref="WinRateEvaluator.RunAsync"/>) into <paramref name="directory"/>, creating it if needed. Each file is
    /// written atomically, so equal results give byte-identical files.
    /// </summary>
    public static void Write(WinRateResult result, string directory, JsonObject? settings = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var json = settings?.DeepClone().AsObject() ?? [];
        foreach (var (key, value) in ToJson(result)) json[key] = value?.DeepClone();
        AtomicFile.Write(Path.Combine(directory, WinRateStore.VerdictsFile), stream =>
        {
            // line by line rather than one string of the whole file; '\n' on every platform, as the append log writes it
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true);
            foreach (var v in result.Verdicts) writer.Write(WinRateStore.Line(v) + "\n");
        });
        AtomicFile.WriteAllText(Path.Combine(directory, WinRateStore.EvalFile), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>
    /// Removes what an evaluation wrote in <paramref name="directory"/> — <c>run.json</c>, <c>completions/policy.jsonl</c>,
    /// <c>completions/reference.jsonl</c>, <c>verdicts.jsonl</c>, <c>eval.json</c> — so that the next
    /// <see cref="WinRateEvaluator.RunAsync"/> there starts afresh. Other files are left alone; a missing directory is fine.
    /// </summary>
    public static void Delete(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (Directory.Exists(directory)) WinRateStore.Delete(directory);
    }
}
