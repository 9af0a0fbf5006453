using Rebel.SelfPlay.Policies;

namespace Rebel.SelfPlay.Training;

/// <summary>
/// The generate phase's result: the iteration's N completions (the loss sampler's K per prompt, then the offline pairs'
/// two sides), the groups minibatches are cut from, and the P pairs (y, y′) over them.
/// </summary>
internal sealed record Rollout
{
    /// <summary>Online completions first (K per prompt, prompt-major), then two per offline pair.</summary>
    public required IReadOnlyList<Completion> Completions { get; init; }

    /// <summary>Completion indices of each group: the K samples of one prompt, or the two sides of an offline pair.</summary>
    public required IReadOnlyList<int[]> Groups { get; init; }

    /// <summary>Index of each pair's first completion y, shape [P].</summary>
    public required int[] PairA { get; init; }

    /// <summary>Index of each pair's second completion y′, shape [P].</summary>
    public required int[] PairB { get; init; }

    /// <summary>Pairs [0, OnlinePairs) are self-play pairs; the rest come from the offline dataset.</summary>
    public required int OnlinePairs { get; init; }

    /// <summary>Completions [0, OnlineCount) were sampled this iteration (B·K); the rest are offline texts.</summary>
    public required int OnlineCount { get; init; }

    /// <summary>The offline dataset's labels P(a ≻ b) of pairs OnlinePairs, OnlinePairs + 1, …</summary>
    public required float[] OfflineLabels { get; init; }

    /// <summary>ln q(y) of each online completion when the sampler drew from q ≠ π_t (Nash-MD's mixture); null when q = π_t.</summary>
    public float[]? BehaviourLogProbs { get; init; }

    /// <summary>True when the online completions are samples of π_t itself.</summary>
    public bool IsOnPolicy => BehaviourLogProbs is null;

    /// <summary>Number of completions N.</summary>
    public int Count => Completions.Count;
}
