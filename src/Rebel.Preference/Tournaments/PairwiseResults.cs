using System.Globalization;

namespace Rebel.Preference.Tournaments;

/// <summary>
/// Head-to-head results of a set of players: w_ij = the (possibly fractional) number of games i won against j,
/// ties counting ½ to each side. The number of games between i and j is n_ij = w_ij + w_ji and the empirical
/// win rate is W_ij = w_ij / n_ij (undefined when n_ij = 0). Immutable; constructors copy their input.
/// </summary>
public sealed class PairwiseResults
{
    private readonly double[,] _wins;

    /// <summary>Results from a win-count matrix (diagonal ignored and stored as 0).</summary>
    /// <param name="wins">w_ij ≥ 0, finite, square.</param>
    /// <param name="players">Player names, distinct and non-empty; default "p0", "p1", ….</param>
    /// <exception cref="ArgumentException">Not square, empty, a negative or non-finite count (named by (i, j)), or bad names.</exception>
    public PairwiseResults(double[,] wins, IReadOnlyList<string>? players = null)
    {
        ArgumentNullException.ThrowIfNull(wins);
        int n = wins.GetLength(0);
        if (n == 0 || wins.GetLength(1) != n)
            throw new ArgumentException($"a win-count matrix must be square and non-empty, got {n}×{wins.GetLength(1)}", nameof(wins));
        _wins = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                if (i == j) continue;
                double v = wins[i, j];
                if (!(v >= 0) || double.IsPositiveInfinity(v))
                    throw new ArgumentException($"wins[{i},{j}] = {v.ToString("R", CultureInfo.InvariantCulture)} is not a finite non-negative count", nameof(wins));
                _wins[i, j] = v;
            }
        Players = ValidatePlayers(players, n);
    }

    /// <summary>Results from a list of games among <paramref name="count"/> players.</summary>
    /// <exception cref="ArgumentException">A game names a player out of range, a player against itself, or a score outside [0, 1].</exception>
    public static PairwiseResults FromGames(int count, IEnumerable<GameOutcome> games, IReadOnlyList<string>? players = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentNullException.ThrowIfNull(games);
        var wins = new double[count, count];
        int k = 0;
        foreach (var g in games)
        {
            Check(g, count, k++);
            wins[g.First, g.Second] += g.Score;       // ties add ½ to each side
            wins[g.Second, g.First] += 1 - g.Score;
        }
        return new PairwiseResults(wins, players);
    }

    /// <summary>Results from a win-rate matrix W and game counts n: w_ij = W_ij · n_ij.</summary>
    /// <exception cref="ArgumentException">Shapes differ, n is not symmetric or has a negative entry, or W_ij + W_ji ≠ 1
    /// (within 1e-9) for a pair that was played.</exception>
    public static PairwiseResults FromWinRates(double[,] winRates, double[,] games, IReadOnlyList<string>? players = null)
    {
        ArgumentNullException.ThrowIfNull(winRates);
        ArgumentNullException.ThrowIfNull(games);
        int n = winRates.GetLength(0);
        if (winRates.GetLength(1) != n || games.GetLength(0) != n || games.GetLength(1) != n)
            throw new ArgumentException($"win rates are {n}×{winRates.GetLength(1)} but games are {games.GetLength(0)}×{games.GetLength(1)}; both must be the same square shape");
        var wins = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                if (i == j) continue;
                if (!(games[i, j] >= 0) || games[i, j] != games[j, i])
                    throw new ArgumentException($"games[{i},{j}] = {games[i, j]} and games[{j},{i}] = {games[j, i]} must be equal and non-negative", nameof(games));
                if (games[i, j] == 0) continue;
                double w = winRates[i, j];
                if (!(w >= 0 && w <= 1) || Math.Abs(w + winRates[j, i] - 1) > 1e-9)
                    throw new ArgumentException($"winRates[{i},{j}] = {w} and winRates[{j},{i}] = {winRates[j, i]} must be rates in [0, 1] summing to 1", nameof(winRates));
                wins[i, j] = w * games[i, j];
            }
        return new PairwiseResults(wins, players);
    }

    /// <summary>Element-wise sum of results over the same players (e.g. per-prompt results into a total).</summary>
    /// <exception cref="ArgumentException">No parts, or parts of different sizes.</exception>
    public static PairwiseResults Sum(IEnumerable<PairwiseResults> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        double[,]? total = null;
        IReadOnlyList<string>? players = null;
        foreach (var part in parts)
        {
            if (total is null)
            {
                total = new double[part.Count, part.Count];
                players = part.Players;
            }
            else if (part.Count != total.GetLength(0))
                throw new ArgumentException($"cannot add results of {part.Count} players to results of {total.GetLength(0)}", nameof(parts));
            for (int i = 0; i < part.Count; i++)
                for (int j = 0; j < part.Count; j++) total[i, j] += part._wins[i, j];
        }
        if (total is null) throw new ArgumentException("nothing to sum", nameof(parts));
        return new PairwiseResults(total, players);
    }

    /// <summary>The number of players.</summary>
    public int Count => _wins.GetLength(0);

    /// <summary>Player names, in index order.</summary>
    public IReadOnlyList<string> Players { get; }

    /// <summary>w_ij, the games i won against j (ties count ½); 0 on the diagonal.</summary>
    public double Wins(int i, int j) => _wins[i, j];

    /// <summary>n_ij = w_ij + w_ji, the games played between i and j.</summary>
    public double Games(int i, int j) => i == j ? 0 : _wins[i, j] + _wins[j, i];

    /// <summary>W_ij = w_ij / n_ij; ½ on the diagonal; NaN when i and j never played.</summary>
    public double WinRate(int i, int j) => i == j ? 0.5 : Games(i, j) > 0 ? _wins[i, j] / Games(i, j) : double.NaN;

    /// <summary>
    /// The win-rate matrix W (row player's win rate against the column player, ties ½), with
    /// <paramref name="unplayed"/> (default ½) where a pair never played. W + Wᵀ = 1.
    /// </summary>
    public double[,] WinRates(double unplayed = 0.5)
    {
        int n = Count;
        var w = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double r = WinRate(i, j);
                w[i, j] = double.IsNaN(r) ? unplayed : r;
            }
        return w;
    }

    /// <summary>A copy of the win-count matrix w.</summary>
    public double[,] WinCounts() => (double[,])_wins.Clone();

    internal static void Check(GameOutcome g, int count, int index)
    {
        if ((uint)g.First >= (uint)count || (uint)g.Second >= (uint)count)
            throw new ArgumentException($"game {index}: players ({g.First}, {g.Second}) are not both in [0, {count})");
        if (g.First == g.Second)
            throw new ArgumentException($"game {index}: player {g.First} cannot play itself");
        if (!(g.Score >= 0 && g.Score <= 1))
            throw new ArgumentException($"game {index}: score {g.Score} is not in [0, 1]");
    }

    private static string[] ValidatePlayers(IReadOnlyList<string>? players, int n)
    {
        if (players is null) return Enumerable.Range(0, n).Select(i => "p" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        if (players.Count != n) throw new ArgumentException($"{players.Count} player names for {n} players", nameof(players));
        if (players.Any(string.IsNullOrEmpty)) throw new ArgumentException("a player name is empty", nameof(players));
        var dup = players.GroupBy(p => p, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw new ArgumentException($"player name \"{dup.Key}\" appears twice", nameof(players));
        return players.ToArray();
    }
}
