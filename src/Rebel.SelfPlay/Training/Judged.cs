namespace Rebel.SelfPlay.Training;

/// <summary>The judge phase's result: the judge's l per pair (preference mode) or the reward's r per completion (reward mode).</summary>
/// <param name="Preferences">l(x, y, y′) per pair (offline pairs: the dataset's label unless the judge was asked); null in reward mode.</param>
/// <param name="Rewards">r(x, y) per completion; null in preference mode.</param>
/// <param name="Calls">Judge comparisons asked (preference mode) or completions scored (reward mode).</param>
/// <param name="CacheHits">Of those, the comparisons a caching judge answered from its cache; null when the judge keeps no statistics.</param>
internal sealed record Judged(float[]? Preferences, float[]? Rewards, int Calls, long? CacheHits);
