using Rebel.SelfPlay.Policies;
using Rebel.Tensors;

namespace Rebel.SelfPlay.Losses;

/// <summary>y ~ π_t: the completions of an iteration are samples of the policy itself (every loss but Nash-MD).</summary>
public sealed class PolicySampler : IRolloutSampler
{
    private PolicySampler() { }

    /// <summary>The one instance.</summary>
    public static PolicySampler Instance { get; } = new();

    /// <inheritdoc/>
    public bool IsOnPolicy => true;

    /// <inheritdoc/>
    public string? Unsupported(IPolicy policy) => null;

    /// <inheritdoc/>
    public SampledCompletions Sample(IPolicy policy, IPolicy reference, IReadOnlyList<string> prompts, int samplesPerPrompt,
        double temperature, int maxNewTokens, Rng rng) =>
        new(policy.Sample(prompts, samplesPerPrompt, temperature, maxNewTokens, rng), null);
}
