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
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

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
        var json = ToJson(result).ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        AtomicFile.WriteAllText(Path.Combine(directory, "tournament.json"), json);

        var elo = result.Analysis.Elo;
        var order = Enumerable.Range(0, result.Players.Count).OrderByDescending(i => elo[i]).ToArray(); // by rating, best first
        AtomicFile.WriteAllText(Path.Combine(directory, "win_rates.svg"), WinRateHeatmap(result, order));
        AtomicFile.WriteAllText(Path.Combine(directory, "ratings.svg"), RatingChart(result, order));
        AtomicFile.WriteAllText(Path.Combine(directory, "lottery.svg"), LotteryChart(result, order));
        AtomicFile.WriteAllText(Path.Combine(directory, "report.md"), Markdown(result, order));
    }

    /// <summary><c>win_rates.svg</c>: the win-rate matrix, rows and columns in <paramref name="order"/>.</summary>
    private static string WinRateHeatmap(TournamentResult result, int[] order)
    {
        var winRates = result.Analysis.WinRates;
        var rows = order.Select(i => (IReadOnlyList<double>)order.Select(j => winRates[i][j]).ToArray()).ToArray();
        return HeatmapChart.Render("Win rate of row vs column (ties ½), by rating", Names(result, order), rows);
    }

    /// <summary><c>ratings.svg</c>: each player's Bradley–Terry Elo with its interval, in <paramref name="order"/>.</summary>
    private static string RatingChart(TournamentResult result, int[] order)
    {
        var a = result.Analysis;
        var elo = order.Select(i => a.Elo[i]).ToArray();
        var (lower, upper) = Bounds(a.EloIntervals, order);
        return IntervalChart.Render("Bradley–Terry rating (Elo) with 95% interval", Names(result, order), elo, lower, upper);
    }

    /// <summary><c>lottery.svg</c>: each player's maximal-lottery weight with its interval, as bars on [0, 1].</summary>
    private static string LotteryChart(TournamentResult result, int[] order)
    {
        var a = result.Analysis;
        var weights = order.Select(i => a.Lottery.Weights[i]).ToArray();
        var (lower, upper) = Bounds(a.LotteryIntervals, order);
        return IntervalChart.Render("Maximal lottery weight with 95% interval", Names(result, order), weights, lower, upper,
            bars: true, axisMin: 0, axisMax: 1);
    }

    private static string[] Names(TournamentResult result, int[] order) => order.Select(i => result.Players[i]).ToArray();

    /// <summary>The lower and upper ends of <paramref name="intervals"/> in <paramref name="order"/>; nulls without intervals.</summary>
    private static (double[]? Lower, double[]? Upper) Bounds(ConfidenceInterval[]? intervals, int[] order) =>
        intervals is null
            ? (null, null)
            : (order.Select(i => intervals[i].Lower).ToArray(), order.Select(i => intervals[i].Upper).ToArray());

    /// <summary><c>report.md</c>: the schedule, the ratings table, the win-rate matrix and the Condorcet structure.</summary>
    private static string Markdown(TournamentResult result, int[] order)
    {
        var md = new StringBuilder();
        Schedule(md, result);
        RatingsTable(md, result, order);
        WinRateTable(md, result, order);
        Condorcet(md, result);
        md.Append("\n![win rates](win_rates.svg) ![ratings](ratings.svg) ![lottery](lottery.svg)\n");
        return md.ToString();
    }

    private static void Schedule(StringBuilder md, TournamentResult result)
    {
        var p = result.Players;
        var schedule = result.Anchor is int k ? $"every player against the anchor {p[k]}" : "full round-robin";
        md.Append("# Tournament\n\n");
        md.Append(Inv, $"{p.Count} players, {result.Prompts} prompts × {result.Samples} samples, {result.Games.Count} games ");
        md.Append(Inv, $"({schedule}).\n\n");
    }

    private static void RatingsTable(StringBuilder md, TournamentResult result, int[] order)
    {
        var a = result.Analysis;
        md.Append("## Ratings\n\n")
          .Append("| player | BT Elo | 95% interval | online Elo | lottery | 95% interval | Nash-averaged score |\n")
          .Append("|---|---:|---|---:|---:|---|---:|\n");
        foreach (int i in order)
        {
            var elo = string.Create(Inv, $"{a.Elo[i]:0.0} | {Range(a.EloIntervals?[i], "0.0")} | {result.OnlineElo[i]:0.0}");
            var lottery = string.Create(Inv, $"{a.Lottery.Weights[i]:0.000} | {Range(a.LotteryIntervals?[i], "0.000")}");
            var nash = a.Lottery.NashAveragedScores[i];
            md.Append(Inv, $"| {result.Players[i]} | {elo} | {lottery} | {nash:0.000} |\n");
        }
    }

    private static void WinRateTable(StringBuilder md, TournamentResult result, int[] order)
    {
        var p = result.Players;
        var a = result.Analysis;
        md.Append("\n## Win rates (row vs column, ties ½, 95% interval)\n\n");
        md.Append("| |").Append(string.Join(" | ", order.Select(j => p[j]))).Append(" |\n");
        md.Append("|---|").Append(string.Concat(order.Select(_ => "---:|"))).Append('\n');
        foreach (int i in order)
        {
            md.Append(Inv, $"| {p[i]} |");
            foreach (int j in order)
                md.Append(i == j ? " — |" : WinRateCell(a.WinRates[i][j], a.WinRateIntervals?[i][j]));
            md.Append('\n');
        }
    }

    /// <summary>One off-diagonal cell: "·" for a pair that played no game, else the win rate and its interval.</summary>
    private static string WinRateCell(double winRate, ConfidenceInterval? interval) =>
        double.IsNaN(winRate) ? " · |" : string.Create(Inv, $" {winRate:0.00} {Range(interval, "0.00")} |");

    private static void Condorcet(StringBuilder md, TournamentResult result)
    {
        var p = result.Players;
        var condorcet = result.Analysis.Condorcet;
        var winner = condorcet.Winner is int w ? $"Condorcet winner: **{p[w]}** (beats every other player).\n" : "No Condorcet winner.\n";
        md.Append("\n## Condorcet\n\n").Append(winner);
        md.Append(Inv, $"\n{condorcet.CycleCount} majority 3-cycle(s)");
        if (condorcet.Cycles.Count == 0)
        {
            md.Append(".\n");
            return;
        }
        md.Append(":\n\n");
        foreach (var c in condorcet.Cycles)
            md.Append(Inv, $"- {p[c.First]} ≻ {p[c.Second]} ≻ {p[c.Third]} ≻ {p[c.First]}\n");
    }

    /// <summary><c>[lower, upper]</c> in <paramref name="format"/>, or the empty string without an interval.</summary>
    private static string Range(ConfidenceInterval? ci, string format)
    {
        if (ci is null) return "";
        var lower = ci.Lower.ToString(format, Inv);
        var upper = ci.Upper.ToString(format, Inv);
        return $"[{lower}, {upper}]";
    }

    private static JsonArray Vector(IEnumerable<double> v) => new(v.Select(JsonNumbers.Number).ToArray());

    private static JsonArray Matrix(double[][] m) => new(m.Select(r => (JsonNode?)Vector(r)).ToArray());
}
