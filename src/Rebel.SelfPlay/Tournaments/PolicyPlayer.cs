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
    /// <inheritdoc/>
    public IReadOnlyList<string> Complete(IReadOnlyList<string> prompts, int samplesPerPrompt, ulong seed) =>
        Policy.Sample(prompts, samplesPerPrompt, Temperature, MaxNewTokens, new Rng(seed)).Select(c => c.Text).ToArray();
}
