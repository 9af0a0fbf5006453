namespace Rebel.Preference.Tournaments;

/// <summary>
/// One game between two players (by index): <paramref name="Score"/> is the first player's score,
/// 1 for a win, 0 for a loss, ½ for a tie (a judge's soft P(first ≻ second) is accepted as it is).
/// </summary>
/// <param name="First">Index of the first player.</param>
/// <param name="Second">Index of the second player (≠ First).</param>
/// <param name="Score">The first player's score in [0, 1]; the second player scores 1 − Score.</param>
public readonly record struct GameOutcome(int First, int Second, double Score);
