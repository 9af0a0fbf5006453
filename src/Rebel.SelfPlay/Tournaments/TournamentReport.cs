using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rebel.Models.Data;
using Rebel.Preference.Statistics;
using Rebel.SelfPlay.Reporting;

namespace Rebel.SelfPlay.Tournaments;

/// <summary>
/// Writes a tournament's results, each file atomically: <c>tournament.json</c> (players, win_rates, lottery, ratings,
/// their intervals, online Elo, Nash-averaged scores, Condorcet winner and cycles, game counts), <c>report.md</c>
/// (tables) and three SVG plots: <c>win_rates.svg</c> (heatmap, players ordered by rating), <c>ratings.svg</c>
/// (Bradley–Terry Elo with intervals) and <c>lottery.svg</c> (maximal-lottery weights).
/// </summary>
public static class TournamentReport
{
    /// <summary>The <c>tournament.json</c> document. Numbers that are undefined (an unplayed pair) are null.</summary>
    public static JsonObject ToJson(TournamentResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var a = result.Analysis;
        var json = new JsonObject
        {
            ["players"] = new JsonArray(result.Players.Select(p => (JsonNode?)JsonValue.Create(p)).ToArray()),
            ["win_rates"] = Matrix(a.WinRates),
            ["lottery"] = Vector(a.Lottery.Weights),
            ["ratings"] = Vector(a.Elo),
            ["win_rate_intervals"] = a.WinRateIntervals is null ? null : new JsonArray(a.WinRateIntervals.Select(JsonNumbers.Intervals).ToArray()),
            ["rating_intervals"] = JsonNumbers.Intervals(a.EloIntervals),
            ["lottery_intervals"] = JsonNumbers.Intervals(a.LotteryIntervals),
            ["nash_averaged_scores"] = Vector(a.Lottery.NashAveragedScores),
            ["online_elo"] = Vector(result.OnlineElo),
            ["bradley_terry_logits"] = Vector(a.Ratings.Logits),
            ["anchor"] = result.Anchor is int k ? result.Players[k] : null,
            ["condorcet_winner"] = a.Condorcet.Winner is int w ? result.Players[w] : null,
            ["condorcet_cycle_count"] = a.Condorcet.CycleCount,
            ["condorcet_cycles"] = new JsonArray(a.Condorcet.Cycles
                .Select(c => (JsonNode?)new JsonArray(result.Players[c.First], result.Players[c.Second], result.Players[c.Third])).ToArray()),
            ["games"] = Matrix(a.Games),
            ["prompts"] = result.Prompts,
            ["samples"] = result.Samples,
            ["total_games"] = result.Games.Count,
        };
        return json;
    }

    /// <summary>Writes every output file into <paramref name="directory"/>.</summary>
    public static void Write(TournamentResult result, string directory)
    {
        ArgumentNullException.ThrowIfNull(result);
        var a = result.Analysis;
        var players = result.Players;
        AtomicFile.WriteAllText(Path.Combine(directory, "tournament.json"), ToJson(result).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

        var order = Enumerable.Range(0, players.Count).OrderByDescending(i => a.Elo[i]).ToArray(); // by rating, best first
        var ordered = order.Select(i => players[i]).ToArray();
        AtomicFile.WriteAllText(Path.Combine(directory, "win_rates.svg"), HeatmapChart.Render("Win rate of row vs column (ties ½), by rating",
            ordered, order.Select(i => (IReadOnlyList<double>)order.Select(j => a.WinRates[i][j]).ToArray()).ToArray()));
        AtomicFile.WriteAllText(Path.Combine(directory, "ratings.svg"), IntervalChart.Render("Bradley–Terry rating (Elo) with 95% interval", ordered,
            order.Select(i => a.Elo[i]).ToArray(), a.EloIntervals is null ? null : order.Select(i => a.EloIntervals[i].Lower).ToArray(),
            a.EloIntervals is null ? null : order.Select(i => a.EloIntervals[i].Upper).ToArray()));
        AtomicFile.WriteAllText(Path.Combine(directory, "lottery.svg"), IntervalChart.Render("Maximal lottery weight with 95% interval", ordered,
            order.Select(i => a.Lottery.Weights[i]).ToArray(), a.LotteryIntervals is null ? null : order.Select(i => a.LotteryIntervals[i].Lower).ToArray(),
            a.LotteryIntervals is null ? null : order.Select(i => a.LotteryIntervals[i].Upper).ToArray(), bars: true, axisMin: 0, axisMax: 1));
        AtomicFile.WriteAllText(Path.Combine(directory, "report.md"), Markdown(result, order));
    }

    private static string Markdown(TournamentResult result, int[] order)
    {
        var a = result.Analysis;
        var p = result.Players;
        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.Append(inv, $"# Tournament\n\n{p.Count} players, {result.Prompts} prompts × {result.Samples} samples, {result.Games.Count} games ")
          .Append(result.Anchor is int k ? $"(every player against the anchor {p[k]}).\n\n" : "(full round-robin).\n\n");
        md.Append("## Ratings\n\n| player | BT Elo | 95% interval | online Elo | lottery | 95% interval | Nash-averaged score |\n|---|---:|---|---:|---:|---|---:|\n");
        foreach (int i in order)
            md.Append(inv, $"| {p[i]} | {a.Elo[i]:0.0} | {Range(a.EloIntervals?[i], "0.0")} | {result.OnlineElo[i]:0.0} | {a.Lottery.Weights[i]:0.000} | {Range(a.LotteryIntervals?[i], "0.000")} | {a.Lottery.NashAveragedScores[i]:0.000} |\n");
        md.Append("\n## Win rates (row vs column, ties ½, 95% interval)\n\n| |").Append(string.Join(" | ", order.Select(j => p[j]))).Append(" |\n|---|")
          .Append(string.Concat(order.Select(_ => "---:|"))).Append('\n');
        foreach (int i in order)
        {
            md.Append(inv, $"| {p[i]} |");
            foreach (int j in order)
                md.Append(i == j ? " — |" : double.IsNaN(a.WinRates[i][j]) ? " · |"
                    : string.Create(inv, $" {a.WinRates[i][j]:0.00} {Range(a.WinRateIntervals?[i][j], "0.00")} |"));
            md.Append('\n');
        }
        md.Append("\n## Condorcet\n\n").Append(a.Condorcet.Winner is int w ? $"Condorcet winner: **{p[w]}** (beats every other player).\n" : "No Condorcet winner.\n");
        md.Append(inv, $"\n{a.Condorcet.CycleCount} majority 3-cycle(s)");
        md.Append(a.Condorcet.Cycles.Count == 0 ? ".\n" : ":\n\n" + string.Concat(a.Condorcet.Cycles.Select(c => $"- {p[c.First]} ≻ {p[c.Second]} ≻ {p[c.Third]} ≻ {p[c.First]}\n")));
        md.Append("\n![win rates](win_rates.svg) ![ratings](ratings.svg) ![lottery](lottery.svg)\n");
        return md.ToString();
    }

    private static string Range(ConfidenceInterval? ci, string format) =>
        ci is null ? "" : string.Create(CultureInfo.InvariantCulture, $"[{ci.Lower.ToString(format, CultureInfo.InvariantCulture)}, {ci.Upper.ToString(format, CultureInfo.InvariantCulture)}]");

    private static JsonArray Vector(IEnumerable<double> v) => new(v.Select(JsonNumbers.Number).ToArray());

    private static JsonArray Matrix(double[][] m) => new(m.Select(r => (JsonNode?)Vector(r)).ToArray());
}
