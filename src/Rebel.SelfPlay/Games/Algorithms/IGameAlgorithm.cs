using Rebel.Preference;
using Rebel.SelfPlay.Training;

namespace Rebel.SelfPlay.Games.Algorithms;

/// <summary>
/// One self-play update rule on a preference game. In exact mode it runs in double-precision arithmetic: the game
/// policy is its logits θ, one per action, π = softmax θ; the caller owns θ and calls a step once per iteration, which
/// turns π_t into π_{t+1} in place (afterwards θ = ln π_{t+1}). An instance keeps the rule's own state (magnet,
/// previous reward), so use one instance per run. In sampled mode it names the trainer's setting that plays it.
/// </summary>
/// <remarks>
/// Exact mode is the closed-form dynamics the REBEL trainer approximates: exact runs reach exploitabilities of 1e-16,
/// far below float32 round-off (≈ 1e-7), and need no autograd graph. Sampled mode is the trainer itself
/// (<c>RebelTrainer</c> with a <c>CategoricalPolicy</c> and a <c>PreferenceModelJudge</c> over the game), set up by
/// <see cref="SampledTraining"/>.
/// </remarks>
public interface IGameAlgorithm
{
    /// <summary>The name used on the command line (e.g. <c>rebel-prox</c>).</summary>
    string Name { get; }

    /// <summary>The knobs this instance runs with.</summary>
    GameAlgorithmOptions Options { get; }

    /// <summary>Prepares a run: the game's preference matrix and the logits of π_0 and π_ref (both copied).</summary>
    void Start(PreferenceMatrix preference, ReadOnlySpan<double> initial, ReadOnlySpan<double> reference);

    /// <summary>Exact mode: one update of the logits with the expected targets over all actions (r_t = P π_t).</summary>
    void StepExact(Span<double> logits);

    /// <summary>
    /// Sampled mode: the REBEL trainer's loss and knobs that play this rule with a <c>CategoricalPolicy</c> (the loss
    /// name, η, β, the magnet, its mixing and optimism). <see cref="GameSelfPlay"/> adds the rest: one prompt with 2S samples in S
    /// adjacent pairs, G epochs of AdamW at the learning rate of <see cref="GameAlgorithmOptions"/>, T and the seed.
    /// </summary>
    RebelOptions SampledTraining { get; }
}
