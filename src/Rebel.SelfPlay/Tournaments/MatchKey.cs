namespace Rebel.SelfPlay.Tournaments;

/// <summary>
/// One game of a tournament: sample <paramref name="Sample"/> of player <paramref name="First"/> against the same
/// sample of player <paramref name="Second"/> on prompt <paramref name="Prompt"/> (indices into the players and
/// prompts). The first player's completion is shown to the judge as a, the second's as b.
/// </summary>
public readonly record struct MatchKey(int First, int Second, int Prompt, int Sample);
