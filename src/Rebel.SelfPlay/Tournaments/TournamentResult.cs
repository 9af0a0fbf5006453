using Rebel.Preference.Tournaments;

namespace Rebel.SelfPlay.Tournaments;

/// <summary>The outcome of a tournament: the statistics of every judged game, and what this run did.</summary>
/// <param name="Players">Player names, in index order.</param>
/// <param name="Prompts">How many prompts were played.</param>
/// <param name="Samples">n, samples per prompt per player.</param>
/// <param name="Anchor">The anchor's index (anchor schedule), or null (round-robin).</param>
/// <param name="Analysis">Win rates, Bradley–Terry Elo, maximal lottery, Nash-averaged scores, Condorcet structure, intervals.</param>
/// <param name="OnlineElo">Sequential Elo over the games in canonical order (prompt, sample, first, second).</param>
/// <param name="Games">Every game's verdict P(first ≻ second), in canonical order.</param>
/// <param name="JudgedThisRun">Games judged by this run (the rest were loaded from the saved verdicts).</param>
/// <param name="JudgeCalls">Judge calls made by this run.</param>
public sealed record TournamentResult(
    IReadOnlyList<string> Players,
    int Prompts,
    int Samples,
    int? Anchor,
    TournamentAnalysis Analysis,
    double[] OnlineElo,
    IReadOnlyList<(MatchKey Key, double P)> Games,
    int JudgedThisRun,
    int JudgeCalls)
{
    /// <summary>Seconds spent per phase by this run (null when the result was not produced by <see cref="Tournament.RunAsync"/>).</summary>
    public TournamentTimings? Timings { get; init; }
}
