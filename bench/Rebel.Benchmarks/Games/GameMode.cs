using Rebel.SelfPlay.Games;

namespace Rebel.Benchmarks.Games;

/// <summary>How a game run computes its targets.</summary>
public enum GameMode
{
    /// <summary>Expected targets over the whole action set, r_t = P π_t.</summary>
    Exact,

    /// <summary>S sampled pairs per iteration, judged one by one, regression by gradient steps.</summary>
    Sampled,
}
