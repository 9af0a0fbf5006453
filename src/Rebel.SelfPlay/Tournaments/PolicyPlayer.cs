using Rebel.SelfPlay.Policies;
using Rebel.Tensors;

namespace Rebel.SelfPlay.Tournaments;

/// <summary>A player that samples its answers from a policy π(y | x) at a fixed temperature and length limit.</summary>
/// <param name="Name">The player's name.</param>
/// <param name="Policy">The policy sampled.</param>
/// <param name="Temperature">Sampling temperature T (default 1).</param>
/// <param name="MaxNewTokens">At most this many tokens per completion (default 64).</param>
public sealed record PolicyPlayer(string Name, IPolicy Policy, double Temperature = 1.0, int MaxNewTokens = 64) : ITournamentPlayer
{
    /// <summary>The content hash of the folder the policy was loaded from (<see cref="Rebel.Models.Data.ContentHash.OfDirectory"/>),
    /// when known; null hashes what the policy saves instead (slower for a large model).</summary>
    public string? ModelHash { get; init; }

    /// <inheritdoc/>
    /// <remarks>SHA-256 of the model (<see cref="ModelHash"/>, or the policy's saved files), the temperature and the length limit;
    /// computed on each read.</remarks>
    public string Fingerprint => PolicyFingerprint.Of(Policy, ModelHash, Temperature, MaxNewTokens);

    /// <inheritdoc/>
    public IReadOnlyList<string> Complete(IReadOnlyList<string> prompts, int samplesPerPrompt, ulong seed) =>
        Policy.Sample(prompts, samplesPerPrompt, Temperature, MaxNewTokens, new Rng(seed)).Select(c => c.Text).ToArray();
}
