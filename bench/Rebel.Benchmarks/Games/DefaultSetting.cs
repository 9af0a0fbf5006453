using Rebel.SelfPlay.Games;

namespace Rebel.Benchmarks.Games;

/// <summary>Which of an algorithm's two default settings a benchmark run uses.</summary>
public enum DefaultSetting
{
    /// <summary>Each mode its own defaults: exact defaults in exact mode, sampled defaults in sampled mode.</summary>
    PerMode,

    /// <summary>The exact-mode defaults in both modes.</summary>
    Exact,

    /// <summary>The sampled-mode defaults in both modes.</summary>
    Sampled,
}
