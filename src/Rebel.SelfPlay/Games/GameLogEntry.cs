namespace Rebel.SelfPlay.Games;

/// <summary>One logged iteration of a game run.</summary>
/// <param name="Iteration">t: the number of updates made so far (0 = the initial policy).</param>
/// <param name="Exploitability">max_j P(j ≻ π_t) − ½ of the last iterate.</param>
/// <param name="AverageExploitability">The same for the average iterate π̄_t = (1/(t+1)) Σ_{s≤t} π_s.</param>
public sealed record GameLogEntry(int Iteration, double Exploitability, double AverageExploitability);
