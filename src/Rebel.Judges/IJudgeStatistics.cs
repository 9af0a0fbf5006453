namespace Rebel.Judges;

/// <summary>
/// Counters an <see cref="IPairwiseJudge"/> may keep about its own work, for metrics. Optional: a consumer tests for
/// it (<c>judge as IJudgeStatistics</c>) and logs nothing when a judge does not keep them. Counts only grow; take the
/// difference of two readings for the work in between.
/// </summary>
public interface IJudgeStatistics
{
    /// <summary>Comparisons answered from a cache, without asking the judge behind it, since this instance was created.</summary>
    long CacheHits { get; }
}
