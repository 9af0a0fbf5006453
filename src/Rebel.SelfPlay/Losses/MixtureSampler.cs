using Rebel.SelfPlay.Policies;
using Rebel.Tensors;

namespace Rebel.SelfPlay.Losses;

/// <summary>
/// y ~ π_t^μ ∝ π_t^(1−w)·π_ref^w, the geometric mixture of the policy and the reference (per token for autoregressive
/// policies), with ln π_t^μ(y) for the targets — Nash-MD's opponent, w = ηβ. The policy must implement
/// <see cref="IGeometricMixtureSampler"/>.
/// </summary>
/// <param name="ReferenceWeight">w, the mixture's weight on π_ref, in (0, 1].</param>
public sealed record MixtureSampler(double ReferenceWeight) : IRolloutSampler
{
    /// <inheritdoc/>
    public bool IsOnPolicy => false;

    /// <inheritdoc/>
    public string? Unsupported(IPolicy policy) =>
        policy is IGeometricMixtureSampler ? null : $"needs a policy that samples geometric mixtures; {policy.GetType().Name} does not";

    /// <inheritdoc/>
    public SampledCompletions Sample(IPolicy policy, IPolicy reference, IReadOnlyList<string> prompts, int samplesPerPrompt,
        double temperature, int maxNewTokens, Rng rng)
    {
        var sampler = policy as IGeometricMixtureSampler
            ?? throw new InvalidOperationException($"The mixture sampler {Unsupported(policy)}.");
        var drawn = sampler.SampleMixture(reference, ReferenceWeight, prompts, samplesPerPrompt, temperature, maxNewTokens, rng);
        return new(drawn.Select(d => d.Completion).ToList(), drawn.Select(d => (float)d.LogProb).ToArray());   // y ~ π_t^μ, ln π_t^μ(y)
    }
}
