using Rebel.Preference;
using Rebel.Tensors;

namespace Rebel.SelfPlay.Games.Algorithms;

/// <summary>
/// One self-play update rule on a preference game, in exact double-precision arithmetic. The game policy is its
/// logits θ, one per action, π = softmax θ; the caller owns θ and calls a step once per iteration, which turns π_t
/// into π_{t+1} in place (afterwards θ = ln π_{t+1}). An instance keeps the rule's own state (magnet, previous
/// reward), so use one instance per run.
/// </summary>
/// <remarks>
/// The game algorithms are the closed-form dynamics the REBEL trainer approximates with a neural or tabular
/// <c>IPolicy</c>: exact runs reach exploitabilities of 1e-16, far below float32 round-off (≈ 1e-7), and need no
/// autograd graph. To play a game with the trainer itself, hand it a <c>CategoricalPolicy</c> and a
/// <c>PreferenceModelJudge</c> over the game's <c>MatrixPreferenceModel</c> (see docs/games.md).
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

    /// <summary>Sampled mode: one update of the logits from <paramref name="samples"/> pairs drawn from the current
    /// policy, with the judge's l(y, y′) = P_{y y′} on each and a few gradient steps on the algorithm's objective.</summary>
    void StepSampled(Span<double> logits, int samples, Rng random);
}
