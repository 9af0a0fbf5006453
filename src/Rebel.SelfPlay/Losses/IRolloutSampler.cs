using Rebel.SelfPlay.Policies;
using Rebel.Tensors;

namespace Rebel.SelfPlay.Losses;

/// <summary>
/// Where a loss's completions come from each iteration: π_t itself (<see cref="PolicySampler"/>) or a distribution q
/// built from π_t and π_ref (<see cref="MixtureSampler"/>, Nash-MD's opponent).
/// </summary>
public interface IRolloutSampler
{
    /// <summary>
    /// True when completions are drawn from π_t itself (q = π_t). Otherwise the trainer regresses ln π_θ/q (preference
    /// mode only), measures KL with importance weights π_t/q, and draws a fresh π_t sample for the batch win rate;
    /// offline pairs and the magnet do not combine with it.
    /// </summary>
    bool IsOnPolicy { get; }

    /// <summary>Null when <paramref name="policy"/> can be sampled this way; otherwise why not, as a phrase ("needs a policy that …").</summary>
    string? Unsupported(IPolicy policy);

    /// <summary>
    /// <paramref name="samplesPerPrompt"/> completions per prompt, prompt-major, at <paramref name="temperature"/>, with
    /// ln q(y | x) when q ≠ π_t. Not recorded for gradients.
    /// </summary>
    /// <param name="policy">π_t, the policy being trained, as it stands at the start of the iteration.</param>
    /// <param name="reference">π_ref, the frozen reference.</param>
    /// <param name="prompts">The iteration's prompts x_1..x_B.</param>
    /// <param name="samplesPerPrompt">K, completions per prompt.</param>
    /// <param name="temperature">T, the sampling temperature.</param>
    /// <param name="maxNewTokens">The length limit of a completion.</param>
    /// <param name="rng">The run's generator.</param>
    SampledCompletions Sample(IPolicy policy, IPolicy reference, IReadOnlyList<string> prompts, int samplesPerPrompt,
        double temperature, int maxNewTokens, Rng rng);
}
