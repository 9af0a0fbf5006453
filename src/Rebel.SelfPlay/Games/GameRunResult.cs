using Rebel.SelfPlay.Games.Algorithms;

namespace Rebel.SelfPlay.Games;

/// <summary>The outcome of a game run: the last and average iterates, their exploitability, and the history.</summary>
/// <param name="Game">The game's name.</param>
/// <param name="Actions">The action names, in the order of the policies.</param>
/// <param name="Algorithm">The algorithm's name.</param>
/// <param name="Options">The algorithm's resolved options.</param>
/// <param name="Run">The run's options.</param>
/// <param name="Policy">π_T, the last iterate.</param>
/// <param name="AveragePolicy">π̄_T = (1/(T+1)) Σ_{t=0..T} π_t.</param>
/// <param name="Exploitability">Exploitability of π_T.</param>
/// <param name="AverageExploitability">Exploitability of π̄_T.</param>
/// <param name="History">The logged iterations, in order.</param>
/// <param name="Seconds">Wall-clock time of the run.</param>
public sealed record GameRunResult(
    string Game,
    IReadOnlyList<string> Actions,
    string Algorithm,
    GameAlgorithmOptions Options,
    GameRunOptions Run,
    double[] Policy,
    double[] AveragePolicy,
    double Exploitability,
    double AverageExploitability,
    IReadOnlyList<GameLogEntry> History,
    double Seconds);
