using System.Globalization;
using System.Text;
using Rebel.Models.Data;
using Rebel.SelfPlay.Reporting;
using Rebel.SelfPlay.Tournaments;
using Rebel.SelfPlay.Training;

namespace Rebel.SelfPlay.Pipeline;

/// <summary>
/// Writes <c>RUN_DIR/report.md</c>: the headline win rates (final self-play policy and baseline against π_ref and each
/// other, with 95% bootstrap intervals over prompts), the maximal lottery, the training curves and the time per stage.
/// </summary>
internal static class RunReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void Write(TrainSummary summary)
    {
        var config = summary.Config;
        var md = new StringBuilder();
        md.Append("# REBEL run report\n\n");
        var start = config.Model is null ? "SFT reference built in `reference/`" : $"`{config.Model}`";
        md.Append(Inv, $"Judge: `{config.Judge}`. Start: {start}.\n\n");
        Settings(md, config);
        Headline(md, summary);
        Examples(md, summary);
        Curves(md, summary);
        Timing(md, summary);
        AtomicFile.WriteAllText(summary.ReportPath, md.ToString());
    }

    /// <summary>The self-play settings, with the paper's symbols.</summary>
    private static void Settings(StringBuilder md, TrainConfig config)
    {
        var o = config.Rebel;
        var mode = o.Mode.ToString().ToLowerInvariant();
        md.Append(Inv, $"Self-play with {config.Algorithm} ({mode} mode): ")
          .Append(Inv, $"{o.Iterations} iterations × {o.PromptsPerIteration} prompts × K = {o.SamplesPerPrompt}, ")
          .Append(Inv, $"η = {o.Eta}, β = {o.Beta}, magnet reset M = {o.MagnetResetInterval}, ")
          .Append(Inv, $"offline fraction α = {o.OfflineFraction}, {o.Epochs} epoch(s), learning rate {o.LearningRate}, ")
          .Append(Inv, $"temperature {o.Temperature}, max {o.MaxNewTokens} new tokens.\n\n");
    }

    /// <summary>The final policy's, the checkpoints' and the baseline's standing in the tournament.</summary>
    private static void Headline(StringBuilder md, TrainSummary summary)
    {
        if (summary.Tournament is not { } t)
        {
            md.Append("No tournament was configured.\n\n");
            return;
        }
        Matchups(md, summary, t);
        Standing(md, summary, t);
        if (summary.RewardModelAccuracy is { } acc)
        {
            md.Append(Inv, $"The baseline's Bradley–Terry reward model agrees with {acc:P1} of the held-out offline labels ")
              .Append("(which carry annotation noise).\n\n");
        }
        md.Append("Full tables: [tournament/report.md](tournament/report.md).\n\n")
          .Append("![win rates](tournament/win_rates.svg)\n\n![lottery](tournament/lottery.svg)\n\n");
    }

    /// <summary>The headline matchups' win rates with their bootstrap intervals.</summary>
    private static void Matchups(StringBuilder md, TrainSummary summary, TournamentResult t)
    {
        var a = t.Analysis;
        var names = t.Players;
        md.Append(Inv, $"## Result on {t.Prompts} held-out prompts × {t.Samples} samples (task judge)\n\n");
        md.Append("| matchup | win rate (ties ½) | 95% interval (bootstrap over prompts) |\n|---|---:|---|\n");
        foreach (var (i, j) in summary.Matchups)
        {
            var interval = IntervalText.Format(a.WinRateIntervals?[i][j]);
            md.Append(Inv, $"| {names[i]} vs {names[j]} | {a.WinRates[i][j]:0.000} | {interval} |\n");
        }
        md.Append('\n');
    }

    /// <summary>The maximal lottery, whether the final policy beats every earlier player, and the Condorcet structure.</summary>
    private static void Standing(StringBuilder md, TrainSummary summary, TournamentResult t)
    {
        var a = t.Analysis;
        var names = t.Players;
        int final = summary.FinalPlayer;
        var weights = a.Lottery.Weights;
        var lottery = Enumerable.Range(0, names.Count).Select(i => string.Create(Inv, $"{names[i]} {weights[i]:0.00}"));
        md.Append("Maximal lottery (the mixture no player beats on average): ").Append(string.Join(", ", lottery)).Append(".\n");

        bool beatsEarlier = Enumerable.Range(0, final).All(i => a.WinRates[final][i] > 0.5);
        var verdict = beatsEarlier ? "beats" : "does not beat";
        md.Append(Inv, $"The largest weight is on **{names[summary.TopLotteryPlayer]}**; ")
          .Append(Inv, $"the final self-play policy {verdict} every earlier checkpoint and the reference.\n");
        md.Append(a.Condorcet.Winner is int w ? $"Condorcet winner: {names[w]}. " : "No Condorcet winner. ")
          .Append(Inv, $"Majority 3-cycles among the players: {a.Condorcet.CycleCount}.\n\n");
    }

    /// <summary>The first held-out prompts with the first tournament sample of the reference, the final policy and the
    /// baseline.</summary>
    private static void Examples(StringBuilder md, TrainSummary summary, int count = 5)
    {
        if (summary.Tournament is not { } t || summary.Config.EvalPrompts is null) return;
        var tournamentDir = Path.Combine(summary.Config.RunDir, "tournament");
        int[] shown = [summary.ReferencePlayer, summary.FinalPlayer, summary.BaselinePlayer];
        var names = shown.Where(i => i >= 0).Select(i => t.Players[i]).ToList();
        var samples = names.Select(n => FirstSamples(Tournament.CompletionsPath(tournamentDir, n))).ToList();
        var prompts = summary.EvalPrompts.Take(Math.Min(count, t.Prompts)).ToList();
        md.Append("## Examples (held-out prompts, first sample of each player)\n\n");
        var header = string.Join(" | ", names);
        var rule = string.Concat(names.Select(_ => "---|"));
        md.Append($"| prompt | {header} |\n|---|{rule}\n");
        for (int i = 0; i < prompts.Count; i++)
        {
            var cells = string.Join(" | ", samples.Select(s => Cell(s.GetValueOrDefault(i, ""))));
            md.Append($"| {Cell(prompts[i])} | {cells} |\n");
        }
        md.Append('\n');
    }

    private static Dictionary<int, string> FirstSamples(string path)
    {
        var result = new Dictionary<int, string>();
        if (!File.Exists(path)) return result;
        foreach (var line in File.ReadLines(path))
        {
            var node = System.Text.Json.Nodes.JsonNode.Parse(line);
            if (node is null || (int?)node["sample"] != 0 || (int?)node["prompt"] is not int prompt) continue;
            result[prompt] = (string?)node["completion"] ?? "";
        }
        return result;
    }

    /// <summary>A table cell in code font: pipes escaped, backticks turned into quotes, surrounding space trimmed.</summary>
    private static string Cell(string text)
    {
        var escaped = text.Replace("|", "\\|", StringComparison.Ordinal).Replace("`", "'", StringComparison.Ordinal);
        return "`" + escaped.Trim() + "`";
    }

    /// <summary>Loss and win rate against π_ref over iterations, from each run's metrics.jsonl: plots and a table.</summary>
    private static void Curves(StringBuilder md, TrainSummary summary)
    {
        var runs = new List<(string Name, string Dir)> { ("self-play", summary.Config.RunDir) };
        if (summary.BaselineDir is { } b) runs.Add(("baseline", b));
        var metrics = runs.Select(run => (run.Name, Rows: Metrics(run.Dir))).ToList();
        Plots(summary, metrics);
        md.Append("## Training\n\n![loss](loss.svg)\n\n![win rate](win_rate.svg)\n\n");
        md.Append("Win rates are under the task judge for both runs (the baseline trains against its reward model, not the judge).\n\n");
        md.Append("| run | iteration | loss | R² | KL(π‖π_ref) | win rate vs π_ref (held-out) |\n")
          .Append("|---|---:|---:|---:|---:|---:|\n");
        string lossKey = $"loss/{summary.Config.Rebel.Loss}";
        foreach (var (name, rows) in metrics)
        {
            if (rows is null) continue;
            foreach (var row in rows.Where(r => r.ContainsKey("eval/win_rate_vs_ref")))
            {
                var fit = string.Create(Inv, $"{Get(row, lossKey):0.0000} | {Get(row, "loss/r2"):0.00} | {Get(row, "policy/kl_ref"):0.000}");
                md.Append(Inv, $"| {name} | {row["iteration"]:0} | {fit} | {row["eval/win_rate_vs_ref"]:0.000} |\n");
            }
        }
        md.Append('\n');
    }

    /// <summary>loss.svg (the loss per iteration) and win_rate.svg (π_t vs π_ref: per batch, and on held-out prompts).</summary>
    private static void Plots(TrainSummary summary, List<(string Name, List<Dictionary<string, double>>? Rows)> runs)
    {
        var loss = new List<LineSeries>();
        var win = new List<LineSeries>();
        string lossKey = $"loss/{summary.Config.Rebel.Loss}";
        for (int r = 0; r < runs.Count; r++)
        {
            if (runs[r].Rows is not { } rows) continue;
            var color = LineChart.Palette[r % LineChart.Palette.Count];
            LineSeries Series(string name, string key, bool dashed)
            {
                var points = rows.Where(row => row.ContainsKey(key) && double.IsFinite(row[key])).ToList();
                var x = points.Select(row => row["iteration"]).ToList();
                var y = points.Select(row => row[key]).ToList();
                return new LineSeries(name, x, y, dashed, color);
            }
            loss.Add(Series(runs[r].Name, lossKey, dashed: false));
            var batch = Series($"{runs[r].Name} (batch)", "policy/win_rate_vs_ref_batch", dashed: true);
            if (batch.X.Count > 0) win.Add(batch);
            var heldOut = Series($"{runs[r].Name} (held-out)", "eval/win_rate_vs_ref", dashed: false);
            if (heldOut.X.Count > 0) win.Add(heldOut);
        }
        var drawn = loss.Where(s => s.X.Count > 0).ToList();
        if (drawn.Count > 0)
        {
            var title = $"REBEL loss ({summary.Config.Rebel.Loss}) per iteration";
            var svg = LineChart.Render(title, "iteration", "loss", drawn);
            AtomicFile.WriteAllText(Path.Combine(summary.Config.RunDir, "loss.svg"), svg);
        }
        if (win.Count > 0)
        {
            var title = "Win rate of π_t against π_ref (task judge, ties ½)";
            var svg = LineChart.Render(title, "iteration", "win rate", win, yMin: 0, yMax: 1);
            AtomicFile.WriteAllText(Path.Combine(summary.Config.RunDir, "win_rate.svg"), svg);
        }
    }

    /// <summary>The rows of the run's metrics.jsonl, or null when it has none.</summary>
    private static List<Dictionary<string, double>>? Metrics(string runDir)
    {
        var path = Path.Combine(runDir, "metrics.jsonl");
        return File.Exists(path) ? MetricsLog.Read(path) : null;
    }

    private static void Timing(StringBuilder md, TrainSummary summary)
    {
        md.Append("## Time (this invocation)\n\n| stage | seconds |\n|---|---:|\n");
        foreach (var (stage, seconds) in summary.Timings) md.Append(Inv, $"| {stage} | {seconds:0.0} |\n");
        md.Append(Inv, $"| total | {summary.Timings.Sum(t => t.Seconds):0.0} |\n\n");
    }

    private static double Get(Dictionary<string, double> row, string key) => row.TryGetValue(key, out var v) ? v : double.NaN;
}
