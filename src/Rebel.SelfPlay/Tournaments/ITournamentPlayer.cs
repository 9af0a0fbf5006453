namespace Rebel.SelfPlay.Tournaments;

/// <summary>
/// A tournament entrant: something that answers prompts. Players are compared only through their completions, so a
/// trained checkpoint, a reference policy, a mixture of policies and the outputs of a system outside Rebel (a
/// completion file) all enter the same way.
/// </summary>
public interface ITournamentPlayer
{
    /// <summary>The player's name in tables and files (unique within a tournament).</summary>
    string Name { get; }

    /// <summary>
    /// What the player is, by content: a SHA-256 (lower-case hex) of everything its answers depend on besides the
    /// prompts and the seed — a completion file's bytes; a policy's saved files and its sampling settings. A resumed
    /// tournament or evaluation refuses a player whose fingerprint changed under the same name.
    /// </summary>
    string Fingerprint { get; }

    /// <summary>
    /// <paramref name="samplesPerPrompt"/> completion texts per prompt, prompt-major (prompt 0's samples first).
    /// Players that sample draw from a generator seeded with <paramref name="seed"/>, so equal seeds give equal texts.
    /// </summary>
    /// <exception cref="TournamentException">The player cannot answer a prompt (the message names player and prompt).</exception>
    IReadOnlyList<string> Complete(IReadOnlyList<string> prompts, int samplesPerPrompt, ulong seed);
}
