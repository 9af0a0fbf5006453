using System.Globalization;
using System.Text.RegularExpressions;
using Rebel.Preference;
using Rebel.Preference.Models;
using Rebel.Tensors;

namespace Rebel.SelfPlay.Games;

/// <summary>
/// The built-in games, by name. Each is a <see cref="MatrixPreferenceModel"/> (a named preference matrix, the same
/// type a game file loads into) with a known minimax winner π*:
/// <list type="bullet">
/// <item><c>rock-paper-scissors</c>: the pure cycle (P = 1 for the winner of each pair); π* uniform.</item>
/// <item><c>weighted-rps</c>: a cycle with unequal margins, P(R≻S) = 0.9, P(P≻R) = 0.7, P(S≻P) = 0.6;
/// π* = (1/7, 4/7, 2/7), from (P − ½)π* = 0.</item>
/// <item><c>random-N</c> or <c>random-N-seed-S</c>: P_ij ~ U(0, 1) for i &gt; j, P_ji = 1 − P_ij (seed 0 by default).</item>
/// <item><c>cycle-dominated</c>: rock-paper-scissors plus two actions that lose to every cycle action with
/// probability 0.8; π* uniform on the cycle, zero on the dominated actions.</item>
/// <item><c>condorcet</c>: a Condorcet winner that beats each of three cyclic actions (0.6, 0.55, 0.7);
/// π* is the pure winner.</item>
/// </list>
/// </summary>
public static partial class BuiltinGames
{
    /// <summary>The names <see cref="Create"/> accepts (<c>N</c> and <c>S</c> stand for integers).</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["rock-paper-scissors", "weighted-rps", "random-N", "random-N-seed-S", "cycle-dominated", "condorcet"];

    /// <summary>The largest action count a random game may have.</summary>
    public const int MaxRandomActions = 1000;

    /// <summary>The built-in game called <paramref name="name"/>, or false when no built-in has that name.</summary>
    public static bool TryCreate(string name, out MatrixPreferenceModel game)
    {
        ArgumentNullException.ThrowIfNull(name);
        game = null!;
        switch (name)
        {
            case "rock-paper-scissors": game = RockPaperScissors(); return true;
            case "weighted-rps": game = WeightedRockPaperScissors(); return true;
            case "cycle-dominated": game = CycleWithDominated(); return true;
            case "condorcet": game = CondorcetWinner(); return true;
        }
        var match = RandomName().Match(name);
        if (!match.Success) return false;
        if (!int.TryParse(match.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            || n < 2 || n > MaxRandomActions)
            throw new ArgumentException($"A random game needs 2 to {MaxRandomActions} actions; \"{name}\" asks for {match.Groups["n"].Value}.", nameof(name));
        var seed = 0;
        if (match.Groups["seed"].Success
            && !int.TryParse(match.Groups["seed"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out seed))
            throw new ArgumentException($"The seed in \"{name}\" is not a 32-bit integer.", nameof(name));
        game = Random(n, seed);
        return true;
    }

    /// <summary>The built-in game called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No built-in has that name (the message lists the names).</exception>
    public static MatrixPreferenceModel Create(string name) =>
        TryCreate(name, out var game)
            ? game
            : throw new ArgumentException($"Unknown game \"{name}\". Built-in games: {string.Join(", ", Names)}.", nameof(name));

    /// <summary>Rock-paper-scissors: rock ≻ scissors ≻ paper ≻ rock, each with probability 1.</summary>
    public static MatrixPreferenceModel RockPaperScissors() => new("rock-paper-scissors", new PreferenceMatrix(new[,]
    {
        { 0.5, 0.0, 1.0 },
        { 1.0, 0.5, 0.0 },
        { 0.0, 1.0, 0.5 },
    }, ["rock", "paper", "scissors"]));

    /// <summary>Rock-paper-scissors with margins 0.9, 0.7, 0.6; minimax winner (1/7, 4/7, 2/7).</summary>
    public static MatrixPreferenceModel WeightedRockPaperScissors() => new("weighted-rps", new PreferenceMatrix(new[,]
    {
        { 0.5, 0.3, 0.9 },
        { 0.7, 0.5, 0.4 },
        { 0.1, 0.6, 0.5 },
    }, ["rock", "paper", "scissors"]));

    /// <summary>A random preference matrix: P_ij ~ U(0, 1) for i &gt; j (row by row, from an <see cref="Rng"/> seeded
    /// with <paramref name="seed"/> itself: the game's seed is its own, not a run's), P_ji = 1 − P_ij, P_ii = ½. Actions
    /// are named a0, a1, ….</summary>
    public static MatrixPreferenceModel Random(int actions, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(actions, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(actions, MaxRandomActions);
        var random = new Rng(GameSelfPlay.SeedBits(seed));
        var p = new double[actions, actions];
        for (var i = 0; i < actions; i++)
        {
            p[i, i] = 0.5;
            for (var j = 0; j < i; j++)
            {
                p[i, j] = random.NextDouble();
                p[j, i] = 1 - p[i, j];
            }
        }
        var name = seed == 0 ? $"random-{actions}" : $"random-{actions}-seed-{seed}";
        return new MatrixPreferenceModel(name, new PreferenceMatrix(p, Enumerable.Range(0, actions).Select(i => $"a{i}").ToArray()));
    }

    /// <summary>Rock-paper-scissors plus two dominated actions (each cycle action beats them with probability 0.8;
    /// the first dominated action beats the second with 0.7).</summary>
    public static MatrixPreferenceModel CycleWithDominated() => new("cycle-dominated", new PreferenceMatrix(new[,]
    {
        { 0.5, 0.0, 1.0, 0.8, 0.8 },
        { 1.0, 0.5, 0.0, 0.8, 0.8 },
        { 0.0, 1.0, 0.5, 0.8, 0.8 },
        { 0.2, 0.2, 0.2, 0.5, 0.7 },
        { 0.2, 0.2, 0.2, 0.3, 0.5 },
    }, ["rock", "paper", "scissors", "weak", "weaker"]));

    /// <summary>A Condorcet winner over a 3-cycle: the winner beats a, b, c with 0.6, 0.55, 0.7; a ≻ b ≻ c ≻ a with 0.8.</summary>
    public static MatrixPreferenceModel CondorcetWinner() => new("condorcet", new PreferenceMatrix(new[,]
    {
        { 0.5, 0.6, 0.55, 0.7 },
        { 0.4, 0.5, 0.8, 0.2 },
        { 0.45, 0.2, 0.5, 0.8 },
        { 0.3, 0.8, 0.2, 0.5 },
    }, ["winner", "a", "b", "c"]));

    [GeneratedRegex(@"^random-(?<n>[0-9]+)(-seed-(?<seed>[0-9]+))?$", RegexOptions.CultureInvariant)]
    private static partial Regex RandomName();
}
