using Rebel.Preference;

namespace Rebel.SelfPlay.Games;

/// <summary>
/// A symmetric two-player preference game: both players pick an action, and P_ij = P(i ≻ j) is the probability
/// that action i is preferred to action j. Its solution is the minimax (von Neumann) winner of <see cref="Preference"/>.
/// </summary>
/// <param name="Name">A short name (a built-in name, or the <c>name</c> field of a game file).</param>
/// <param name="Preference">The preference matrix, with the action names.</param>
public sealed record Game(string Name, PreferenceMatrix Preference)
{
    /// <summary>The action names, in the matrix's order.</summary>
    public IReadOnlyList<string> Actions => Preference.Actions;
}
