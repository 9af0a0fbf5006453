using System.Globalization;
using Rebel.Preference;

namespace Rebel.Judges.Composite;

/// <summary>
/// Aggregates several judges by <see cref="VoteRule.Majority"/> or <see cref="VoteRule.Mean"/>. Even when every
/// member is transitive, the majority can be cyclic (Condorcet's paradox): with three criteria ranking a ≻ b ≻ c,
/// b ≻ c ≻ a and c ≻ a ≻ b, the majority says a ≻ b, b ≻ c and c ≻ a. This is how the default task gets an
/// intransitive judge.
/// </summary>
/// <remarks>Specs: <c>vote(SPEC,SPEC,...)</c> (majority), <c>mean(SPEC,...)</c>; a member may carry a weight, <c>2*length</c>.
/// The vote owns its members and disposes them.</remarks>
public sealed class VoteJudge : IPairwiseJudge
{
    private readonly IPairwiseJudge[] _members;
    private readonly double[] _weights;

    /// <summary>Creates an equally weighted vote.</summary>
    public VoteJudge(IEnumerable<IPairwiseJudge> members, VoteRule rule = VoteRule.Majority)
        : this(members.Select(m => (m, 1.0)), rule)
    {
    }

    /// <summary>Creates a weighted vote; every weight must be finite and positive.</summary>
    public VoteJudge(IEnumerable<(IPairwiseJudge Judge, double Weight)> members, VoteRule rule = VoteRule.Majority)
    {
        ArgumentNullException.ThrowIfNull(members);
        var list = members.ToList();
        if (list.Count == 0) throw new ArgumentException("a vote needs at least one member", nameof(members));
        foreach (var (judge, weight) in list)
        {
            ArgumentNullException.ThrowIfNull(judge, nameof(members));
            if (!(weight > 0.0 && double.IsFinite(weight)))
                throw new ArgumentOutOfRangeException(nameof(members), weight, $"the weight of {judge.Id} must be finite and positive");
        }
        _members = list.Select(m => m.Judge).ToArray();
        _weights = list.Select(m => m.Weight).ToArray();
        Rule = rule;
        var name = rule == VoteRule.Majority ? "vote" : "mean";
        Id = $"{name}({string.Join(',', list.Select(m => m.Weight == 1.0 ? m.Judge.Id : $"{m.Weight.ToString("R", CultureInfo.InvariantCulture)}*{m.Judge.Id}"))})";
    }

    /// <summary>The aggregation rule.</summary>
    public VoteRule Rule { get; }

    /// <summary>The members, in order.</summary>
    public IReadOnlyList<IPairwiseJudge> Members => _members;

    /// <inheritdoc/>
    public string Id { get; }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<Verdict>> JudgeAsync(IReadOnlyList<Comparison> comparisons, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(comparisons);
        var all = await Task.WhenAll(_members.Select(m => m.JudgeAsync(comparisons, cancellationToken))).ConfigureAwait(false);
        for (int m = 0; m < all.Length; m++)
            if (all[m].Count != comparisons.Count)
                throw new JudgeException(Id, $"member {_members[m].Id} returned {all[m].Count} verdicts for {comparisons.Count} comparisons");

        var verdicts = new Verdict[comparisons.Count];
        for (int i = 0; i < verdicts.Length; i++)
            verdicts[i] = Rule == VoteRule.Majority ? Majority(all, i) : Mean(all, i);
        return verdicts;
    }

    private Verdict Majority(IReadOnlyList<Verdict>[] all, int i)
    {
        double forA = 0, forB = 0;
        for (int m = 0; m < all.Length; m++)
        {
            double p = all[m][i].P;
            if (p > 0.5) forA += _weights[m];
            else if (p < 0.5) forB += _weights[m];
        }
        // P = 1 if the weight for a exceeds the weight for b, 0 if smaller, ½ on a tie.
        return new Verdict(forA > forB ? 1.0 : forA < forB ? 0.0 : 0.5, rationale: Rationale(all, i));
    }

    private Verdict Mean(IReadOnlyList<Verdict>[] all, int i)
    {
        double sum = 0, total = 0;
        for (int m = 0; m < all.Length; m++)
        {
            sum += _weights[m] * all[m][i].P;
            total += _weights[m];
        }
        // P = Σ w_i p_i / Σ w_i, clamped against rounding just outside [0, 1].
        return new Verdict(Math.Clamp(sum / total, 0.0, 1.0), rationale: Rationale(all, i));
    }

    private string Rationale(IReadOnlyList<Verdict>[] all, int i) =>
        string.Join(", ", _members.Select((m, k) => $"{m.Id}={all[k][i].P.ToString("0.###", CultureInfo.InvariantCulture)}"));

    /// <summary>Disposes every member.</summary>
    public void Dispose()
    {
        foreach (var m in _members) m.Dispose();
    }
}
