using Rebel.SelfPlay.Games;

namespace Rebel.Benchmarks.Games;

/// <summary>The cells of a games benchmark, in run order (mode, game, algorithm).</summary>
/// <param name="Options">The options it ran with.</param>
/// <param name="Games">The games' names, in the order of <see cref="GameBenchmarkOptions.Games"/>.</param>
/// <param name="Cells">One cell per algorithm × game × mode.</param>
/// <param name="Seconds">Wall-clock time of the whole benchmark.</param>
public sealed record GameBenchmarkResult(
    GameBenchmarkOptions Options,
    IReadOnlyList<string> Games,
    IReadOnlyList<GameBenchmarkCell> Cells,
    double Seconds)
{
    /// <summary>The cell of <paramref name="algorithm"/> on <paramref name="game"/> in <paramref name="mode"/>.</summary>
    /// <exception cref="KeyNotFoundException">The benchmark has no such cell.</exception>
    public GameBenchmarkCell Cell(string algorithm, string game, GameMode mode) =>
        Cells.FirstOrDefault(c => c.Algorithm == algorithm && c.Game == game && c.Mode == mode)
        ?? throw new KeyNotFoundException($"No cell for {algorithm} on {game} in {mode} mode.");
}
