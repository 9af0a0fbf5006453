using Rebel.SelfPlay.Games;

namespace Rebel.Benchmarks.Games;

/// <summary>
/// One algorithm on one game in one mode: the worst over the benchmark's seeds of each figure, and the history of
/// seed 0 (for the plots).
/// </summary>
/// <param name="Algorithm">The algorithm's name.</param>
/// <param name="Game">The game's name (for random games, the seed-0 matrix's name without the seed).</param>
/// <param name="Mode">Exact or sampled.</param>
/// <param name="Exploitability">max over seeds of the last iterate's exploitability at T.</param>
/// <param name="AverageExploitability">max over seeds of the average iterate's exploitability at T.</param>
/// <param name="IterationsToThreshold">max over seeds of the first logged t from which every logged last-iterate
/// exploitability is ≤ the mode's threshold; null when some seed ends above it.</param>
/// <param name="Seconds">Total wall-clock time of the runs.</param>
/// <param name="History">Seed 0's logged iterations.</param>
public sealed record GameBenchmarkCell(
    string Algorithm,
    string Game,
    GameMode Mode,
    double Exploitability,
    double AverageExploitability,
    int? IterationsToThreshold,
    double Seconds,
    IReadOnlyList<GameLogEntry> History);
