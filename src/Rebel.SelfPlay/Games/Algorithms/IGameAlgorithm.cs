using Rebel.Preference;

namespace Rebel.SelfPlay.Games.Algorithms;

/// <summary>
/// One self-play update rule on a preference game. The caller owns the policy π_t and calls a step once per
/// iteration; the step turns it into π_{t+1} in place. An instance keeps the rule's own state (magnet, previous
/// reward), so use one instance per run.
/// </summary>
public interface IGameAlgorithm
{
    /// <summary>The name used on the command line (e.g. <c>rebel-prox</c>).</summary>
    string Name { get; }

    /// <summary>The knobs this instance runs with.</summary>
    GameAlgorithmOptions Options { get; }

    /// <summary>Prepares a run: the game's preference matrix, π_0 and π_ref (both copied).</summary>
    void Start(PreferenceMatrix preference, TabularPolicy initial, TabularPolicy reference);

    /// <summary>Exact mode: one update with the expected targets over all actions (r_t = P π_t).</summary>
    void StepExact(TabularPolicy policy);

    /// <summary>Sampled mode: one update from <paramref name="samples"/> pairs drawn from the current policy, with
    /// the judge's l(y, y′) = P_{y y′} on each and a few gradient steps on the algorithm's loss.</summary>
    void StepSampled(TabularPolicy policy, int samples, Random random);
}
