using System.Diagnostics;
using Rebel.Preference.Models;
using Rebel.SelfPlay.Games;
using Rebel.SelfPlay.Games.Algorithms;

namespace Rebel.Benchmarks.Games;

/// <summary>
/// The games benchmark: every algorithm × every game × every mode, each algorithm with its default setting for all
/// games, reporting last- and average-iterate exploitability at T and the iterations the last iterate needs to reach
/// the mode's threshold for good. Runs one after the other on the calling thread (deterministic given the seeds).
/// </summary>
public static class GameBenchmark
{
    /// <summary>Runs the grid; <paramref name="progress"/> (optional) hears each cell as it finishes.</summary>
    /// <exception cref="ArgumentException">Invalid options, an unknown algorithm or game, or two games of one name.</exception>
    /// <exception cref="FileNotFoundException">A game file that does not exist.</exception>
    /// <exception cref="ArithmeticException">A run whose policy stopped being finite.</exception>
    public static GameBenchmarkResult Run(GameBenchmarkOptions options, Action<GameBenchmarkCell>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var clock = Stopwatch.StartNew();
        var algorithms = options.Algorithms.Select(GameAlgorithms.Find).ToList();
        var games = options.Games.Select(spec => GamesForSeeds(spec, options.Seeds)).ToList();
        var repeated = games.Select(g => g[0].Name).GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null) throw new ArgumentException($"--games names the game \"{repeated.Key}\" twice (by name or by file).");
        var cells = new List<GameBenchmarkCell>();
        foreach (var mode in options.Modes)
            foreach (var seeds in games)
                foreach (var algorithm in algorithms)
                {
                    var cell = RunCell(algorithm, seeds, mode, options);
                    cells.Add(cell);
                    progress?.Invoke(cell);
                }
        return new GameBenchmarkResult(options, games.Select(g => g[0].Name).ToList(), cells, clock.Elapsed.TotalSeconds);
    }

    /// <summary>The first logged t from which every logged last-iterate exploitability is ≤ <paramref name="threshold"/>
    /// (null when the last logged one is above it).</summary>
    public static int? IterationsToThreshold(IReadOnlyList<GameLogEntry> history, double threshold)
    {
        ArgumentNullException.ThrowIfNull(history);
        var first = history.Count; // index of the first entry of the final run below the threshold
        while (first > 0 && history[first - 1].Exploitability <= threshold) first--;
        return first < history.Count ? history[first].Iteration : null;
    }

    /// <summary>The game played with run seed <paramref name="seed"/>: a plain <c>random-N</c> becomes the matrix
    /// <c>random-N-seed-s</c>; every other game is the same for all seeds.</summary>
    internal static MatrixPreferenceModel GameForSeed(string spec, int seed)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (VariesBySeed(spec) && BuiltinGames.TryCreate($"{spec}-seed-{seed}", out var random))
            return random;
        return GameSource.Resolve(spec);
    }

    // the games of seeds 0 … seeds − 1: a game that is the same for all seeds (a file, a built-in name) is resolved
    // (read and parsed) once and shared, since a run never changes its game
    private static List<MatrixPreferenceModel> GamesForSeeds(string spec, int seeds)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (VariesBySeed(spec)) return Enumerable.Range(0, seeds).Select(s => GameForSeed(spec, s)).ToList();
        var game = GameSource.Resolve(spec);
        return Enumerable.Repeat(game, seeds).ToList();
    }

    private static bool VariesBySeed(string spec) =>
        !File.Exists(spec) && !spec.Contains("-seed-", StringComparison.Ordinal) && spec.StartsWith("random-", StringComparison.Ordinal);

    private static GameBenchmarkCell RunCell(GameAlgorithmInfo algorithm, IReadOnlyList<MatrixPreferenceModel> seeds, GameMode mode, GameBenchmarkOptions options)
    {
        var algorithmOptions = options.AlgorithmOptions(algorithm, mode);
        var run = new GameRunOptions
        {
            Iterations = options.Iterations(mode),
            Samples = mode == GameMode.Sampled ? options.Samples : null,
        };
        double last = 0, average = 0, seconds = 0;
        int? toThreshold = 0;
        IReadOnlyList<GameLogEntry> history = [];
        for (var s = 0; s < seeds.Count; s++)
        {
            var result = GameSelfPlay.Run(seeds[s], algorithm.Create(algorithmOptions), run with { Seed = s });
            last = Math.Max(last, result.Exploitability);
            average = Math.Max(average, result.AverageExploitability);
            seconds += result.Seconds;
            var reached = IterationsToThreshold(result.History, options.Threshold(mode));
            toThreshold = toThreshold is { } soFar && reached is { } now ? Math.Max(soFar, now) : null;
            if (s == 0) history = result.History;
        }
        return new GameBenchmarkCell(algorithm.Name, seeds[0].Name, mode, last, average, toThreshold, seconds, history);
    }
}
