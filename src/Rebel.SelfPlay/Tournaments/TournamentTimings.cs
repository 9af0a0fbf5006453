namespace Rebel.SelfPlay.Tournaments;

/// <summary>Wall-clock seconds a tournament run spent in each phase.</summary>
/// <param name="Generate">Players answering the prompts (or loading saved answers), including saving them.</param>
/// <param name="Judge">Judging the missing games, including appending each batch's verdicts to disk.</param>
/// <param name="Analyse">The statistics: win rates, Bradley–Terry, maximal lottery, Condorcet, bootstrap intervals, online Elo.</param>
public sealed record TournamentTimings(double Generate, double Judge, double Analyse)
{
    /// <summary>The sum of the phases.</summary>
    public double Total => Generate + Judge + Analyse;
}
