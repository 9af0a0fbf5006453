namespace Rebel.Preference;

/// <summary>
/// The row player's maximin strategy of a zero-sum matrix game and its guaranteed value.
/// </summary>
/// <param name="Policy">π*: a probability vector over the rows (non-negative, sums to 1).</param>
/// <param name="Value">min_j (π*ᵀ A)_j, the payoff π* guarantees against every column; ½ for a preference matrix.</param>
public sealed record MinimaxSolution(double[] Policy, double Value);
