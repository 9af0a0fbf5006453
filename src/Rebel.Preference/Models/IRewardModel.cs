namespace Rebel.Preference.Models;

/// <summary>
/// A scalar reward r(x, y). Under the Bradley–Terry assumption it induces the (transitive) preference
/// P(y ≻ y′ | x) = σ(r(x, y) − r(x, y′)).
/// </summary>
public interface IRewardModel
{
    /// <summary>A short stable identifier (used in cache keys and reports).</summary>
    string Name { get; }

    /// <summary>r(prompt, completion) for each pair, in order.</summary>
    double[] Rewards(IReadOnlyList<(string Prompt, string Completion)> items);
}
