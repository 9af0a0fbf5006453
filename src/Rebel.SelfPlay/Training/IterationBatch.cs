using Rebel.SelfPlay.Policies;

namespace Rebel.SelfPlay.Training;

/// <summary>
/// Everything one REBEL iteration gathered before training: the N completions (online samples of π_t, then offline
/// pairs), their frozen log-probabilities, the P pairs and their targets, and the groups minibatches are cut from.
/// </summary>
internal sealed class IterationBatch
{
    public required List<Completion> Completions { get; init; }

    /// <summary>Completion indices of each group: the K samples of one prompt, or the two sides of an offline pair.</summary>
    public required List<int[]> Groups { get; init; }

    public required int[] PairA { get; init; }

    public required int[] PairB { get; init; }

    /// <summary>Pairs [0, OnlinePairs) are self-play pairs; the rest come from the offline dataset.</summary>
    public required int OnlinePairs { get; init; }

    /// <summary>Offline labels P(a ≻ b) for pairs ≥ OnlinePairs.</summary>
    public required float[] OfflineLabels { get; init; }

    public float[] OldLogProbs { get; set; } = [];

    public float[] AnchorLogProbs { get; set; } = [];

    public float[]? RefLogProbs { get; set; }

    /// <summary>Nash-MD: ln π_t^μ(y) of each (online) completion under the mixture it was drawn from; null otherwise.</summary>
    public float[]? MixtureLogProbs { get; init; }

    public float[] Preferences { get; set; } = [];

    public float[] Deltas { get; set; } = [];

    public float[]? WinRates { get; set; }

    public float[]? Advantages { get; set; }

    public int Count => Completions.Count;
}
