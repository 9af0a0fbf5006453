using Rebel.SelfPlay.Tournaments;

namespace Rebel.Cli.Training;

/// <summary>What a <c>rebel train</c> pipeline produced: the final checkpoint, the baseline's folder, the tournament and
/// the seconds each stage took (this invocation; a reused stage takes almost none).</summary>
internal sealed record TrainSummary(
    TrainConfig Config,
    string FinalCheckpoint,
    string? BaselineDir,
    TournamentResult? Tournament,
    IReadOnlyList<(string Stage, double Seconds)> Timings,
    double? RewardModelAccuracy)
{
    /// <summary>The report's path.</summary>
    public string ReportPath => Path.Combine(Config.RunDir, "report.md");
}
