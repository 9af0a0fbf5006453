using System.Globalization;
using System.Text;
using Rebel.Models.Data;
using Rebel.SelfPlay.Games;

namespace Rebel.Benchmarks.Games;

/// <summary>
/// Writes a games benchmark as Markdown tables (one pair per mode: exploitability at T, and iterations to the
/// threshold) and as one exploitability plot per game and mode.
/// </summary>
public static class GameBenchmarkReport
{
    /// <summary>The Markdown tables. Each exploitability cell is "last / average" at T; with several seeds, the worst.</summary>
    public static string Markdown(GameBenchmarkResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var o = result.Options;
        var inv = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        var seeds = o.Seeds == 1 ? "seed 0" : string.Create(inv, $"worst of seeds 0–{o.Seeds - 1} (random-N: {o.Seeds} matrices)");
        var setting = o.Setting switch
        {
            DefaultSetting.Exact => "the exact-mode defaults in every mode",
            DefaultSetting.Sampled => "the sampled-mode defaults in every mode",
            _ => "each mode's own defaults",
        };
        md.Append(inv, $"Each algorithm runs with {setting}, the same for every game; {seeds}.").Append('\n');
        foreach (var mode in o.Modes)
        {
            var threshold = Format(o.Threshold(mode));
            var run = mode == GameMode.Exact
                ? string.Create(inv, $"Exact mode, T = {o.ExactIterations:N0}")
                : string.Create(inv, $"Sampled mode, T = {o.SampledIterations:N0}, S = {o.Samples} pairs per iteration");
            md.Append('\n').Append(inv, $"**{run}: last-iterate / average-iterate exploitability at T**").Append("\n\n");
            Table(md, result, mode, c => $"{Format(c.Exploitability)} / {Format(c.AverageExploitability)}");
            md.Append('\n').Append(inv, $"**{run}: iterations until the last iterate stays ≤ {threshold}** (— : not by T)").Append("\n\n");
            Table(md, result, mode, c => c.IterationsToThreshold is { } t ? t.ToString("N0", inv) : "—");
        }
        return md.ToString();
    }

    /// <summary>The exploitability plot of one game in one mode: every algorithm, last iterate solid, average dashed.</summary>
    public static string Plot(GameBenchmarkResult result, string game, GameMode mode)
    {
        ArgumentNullException.ThrowIfNull(result);
        var cells = result.Options.Algorithms.Select(a => result.Cell(a, game, mode)).ToList();
        var o = result.Options;
        var title = mode == GameMode.Exact
            ? $"{game}, exact (seed 0)"
            : string.Create(CultureInfo.InvariantCulture, $"{game}, sampled S = {o.Samples} (seed 0)");
        return ExploitabilityChart.Render(title, cells.Select(c => c.Algorithm).ToList(), cells.Select(c => c.History).ToList());
    }

    /// <summary>Writes <c>DIR/GAME-MODE.svg</c> for every game and mode (atomically) and returns the paths.</summary>
    public static IReadOnlyList<string> WritePlots(GameBenchmarkResult result, string directory)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory.CreateDirectory(directory);
        var paths = new List<string>();
        foreach (var mode in result.Options.Modes)
            foreach (var game in result.Games)
            {
                var path = Path.Combine(directory, $"{SafeFileName.From(game)}-{mode.ToString().ToLowerInvariant()}.svg");
                AtomicFile.WriteAllText(path, Plot(result, game, mode));
                paths.Add(path);
            }
        return paths;
    }

    /// <summary>An exploitability in two significant digits ("8.3e-5"), "0" for an exact zero.</summary>
    public static string Format(double v) => v == 0 ? "0" : v.ToString("0.0e+0", CultureInfo.InvariantCulture);

    private static void Table(StringBuilder md, GameBenchmarkResult result, GameMode mode, Func<GameBenchmarkCell, string> cell)
    {
        md.Append("| algorithm | ").Append(string.Join(" | ", result.Games)).Append(" |\n");
        md.Append("| --- |").Append(string.Concat(result.Games.Select(_ => " ---: |"))).Append('\n');
        foreach (var algorithm in result.Options.Algorithms)
            md.Append("| ").Append(algorithm).Append(" | ")
              .Append(string.Join(" | ", result.Games.Select(g => cell(result.Cell(algorithm, g, mode))))).Append(" |\n");
    }
}
