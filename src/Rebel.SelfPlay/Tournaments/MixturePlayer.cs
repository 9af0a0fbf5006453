using Rebel.SelfPlay.Policies;
using Rebel.Tensors;

namespace Rebel.SelfPlay.Tournaments;

/// <summary>
/// The uniform mixture of several policies, π̄(y | x) = (1/m) Σ_k π_k(y | x) — e.g. the average iterate of a
/// self-play run, which is what converges to the minimax winner. Each sample first picks a member uniformly, then
/// draws one completion from it.
/// </summary>
public sealed class MixturePlayer : ITournamentPlayer
{
    private readonly IPolicy[] _members;

    /// <summary>A mixture of <paramref name="members"/> (at least one) sampled at <paramref name="temperature"/>.</summary>
    public MixturePlayer(string name, IReadOnlyList<IPolicy> members, double temperature = 1.0, int maxNewTokens = 64)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(members);
        if (members.Count == 0) throw new ArgumentException("a mixture needs at least one policy", nameof(members));
        Name = name;
        _members = members.ToArray();
        Temperature = temperature;
        MaxNewTokens = maxNewTokens;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    /// <remarks>SHA-256 of the members' fingerprints, in order (each member as a policy player at this temperature and length limit).</remarks>
    public string Fingerprint => Rebel.Models.Data.ContentHash.OfText("mixture\0" + string.Join('\0', _members.Select(m => PolicyFingerprint.Of(m, null, Temperature, MaxNewTokens))));

    /// <summary>Sampling temperature T.</summary>
    public double Temperature { get; }

    /// <summary>At most this many tokens per completion.</summary>
    public int MaxNewTokens { get; }

    /// <inheritdoc/>
    public IReadOnlyList<string> Complete(IReadOnlyList<string> prompts, int samplesPerPrompt, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentOutOfRangeException.ThrowIfLessThan(samplesPerPrompt, 1);
        var rng = new Rng(seed);
        var texts = new string[prompts.Count * samplesPerPrompt];
        for (int i = 0; i < texts.Length; i++)
        {
            var member = _members[rng.NextInt(_members.Length)]; // k ~ Uniform{1..m}, then y ~ π_k(· | x)
            texts[i] = member.Sample([prompts[i / samplesPerPrompt]], 1, Temperature, MaxNewTokens, rng)[0].Text;
        }
        return texts;
    }
}
