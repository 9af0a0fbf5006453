using Rebel.Tensors;

namespace Rebel.SelfPlay.Policies;

/// <summary>
/// A policy that can also sample from its geometric mixture with another policy of its kind,
/// q(y | x) ∝ π(y | x)^(1−w) · π_other(y | x)^w — Nash-MD's opponent π_t^(1−ηβ)·π_ref^(ηβ). For autoregressive
/// policies the mixture is taken per token and renormalized at each step (the sequence-level one is intractable).
/// </summary>
public interface IGeometricMixtureSampler
{
    /// <summary>
    /// <paramref name="samplesPerPrompt"/> completions per prompt from the mixture with weight <paramref name="otherWeight"/>
    /// on <paramref name="other"/>, prompt-major, each with ln q(y | x) at <paramref name="temperature"/>. Not recorded for gradients.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="other"/> is not a policy of the same kind and vocabulary, or the weight is outside [0, 1].</exception>
    IReadOnlyList<MixtureSample> SampleMixture(IPolicy other, double otherWeight, IReadOnlyList<string> prompts, int samplesPerPrompt,
        double temperature, int maxNewTokens, Rng rng);
}
