using Rebel.SelfPlay.Tournaments;

namespace Rebel.SelfPlay.Pipeline;

/// <summary>What a <c>rebel train</c> pipeline produced: the final checkpoint, the baseline's folder, the tournament and
/// the seconds each stage took (this invocation; a reused stage takes almost none), beside the held-out prompts it read
/// (empty without <c>eval_prompts</c>).</summary>
internal sealed record TrainSummary(
    TrainConfig Config,
    IReadOnlyList<string> EvalPrompts,
    string FinalCheckpoint,
    string? BaselineDir,
    TournamentResult? Tournament,
    IReadOnlyList<(string Stage, double Seconds)> Timings,
    double? RewardModelAccuracy)
{
    /// <summary>Tournament index of π_ref: players come in <see cref="TrainPipeline"/>'s order — the reference, the
    /// earlier self-play checkpoints, the final policy, then the baseline when it ran.</summary>
    public int ReferencePlayer => 0;

    /// <summary>Tournament index of the final self-play policy.</summary>
    public int FinalPlayer => (Tournament?.Players.Count ?? 0) - (BaselineDir is null ? 1 : 2);

    /// <summary>Tournament index of the baseline's final policy, or −1 when no baseline ran.</summary>
    public int BaselinePlayer => BaselineDir is null ? -1 : (Tournament?.Players.Count ?? 0) - 1;

    /// <summary>The headline matchups (player, opponent) as tournament indices: the final policy against π_ref, then, when
    /// the baseline ran, the baseline against π_ref and the final policy against the baseline.</summary>
    public IReadOnlyList<(int Player, int Opponent)> Matchups => BaselinePlayer < 0
        ? [(FinalPlayer, ReferencePlayer)]
        : [(FinalPlayer, ReferencePlayer), (BaselinePlayer, ReferencePlayer), (FinalPlayer, BaselinePlayer)];

    /// <summary>Tournament index of the player with the largest maximal-lottery weight (the first on a tie), or −1 without
    /// a tournament.</summary>
    public int TopLotteryPlayer => Tournament is { } t
        ? Enumerable.Range(0, t.Players.Count).MaxBy(i => t.Analysis.Lottery.Weights[i])
        : -1;

    /// <summary>The report's path.</summary>
    public string ReportPath => Path.Combine(Config.RunDir, "report.md");
}
