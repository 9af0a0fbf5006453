namespace Rebel.SelfPlay.Tournaments;

/// <summary>
/// A tournament or evaluation cannot go on: a player path that does not exist, a completion file without an answer
/// for a prompt, saved state that does not match the requested run, or a judge that failed (what was judged before
/// the failure stays saved). The message names the player, prompt, file or pair concerned.
/// </summary>
public sealed class TournamentException : RebelException
{
    /// <summary>Creates the exception with its message and, optionally, the failure that caused it.</summary>
    public TournamentException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
