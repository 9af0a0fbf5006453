using Rebel.Preference;
using Rebel.Preference.Models;

namespace Rebel.Judges.Models;

/// <summary>
/// A judge from a scalar reward (Bradley–Terry): P(a ≻ b | x) = σ(r(x, a) − r(x, b)) with σ(z) = 1 / (1 + e^−z),
/// optionally sharpened or flattened by a temperature: σ((r_a − r_b) / τ). Each distinct (prompt, completion) of a
/// batch is scored once. Transitive and exactly skew-symmetric.
/// </summary>
public sealed class RewardModelJudge : IPairwiseJudge
{
    private readonly IRewardModel _model;

    /// <summary>Wraps <paramref name="model"/>; <paramref name="temperature"/> τ must be positive.</summary>
    public RewardModelJudge(IRewardModel model, double temperature = 1.0)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        if (!(temperature > 0.0 && double.IsFinite(temperature)))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "the temperature must be finite and positive");
        Temperature = temperature;
        Id = temperature == 1.0 ? $"reward:{model.Name}" : $"reward:{model.Name}/{temperature:R}";
    }

    /// <summary>τ: the reward difference is divided by it before the sigmoid.</summary>
    public double Temperature { get; }

    /// <inheritdoc/>
    public string Id { get; }

    /// <inheritdoc/>
    public Task<IReadOnlyList<Verdict>> JudgeAsync(IReadOnlyList<Comparison> comparisons, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(comparisons);
        cancellationToken.ThrowIfCancellationRequested();
        var index = new Dictionary<(string, string), int>();
        var items = new List<(string Prompt, string Completion)>();
        var slots = new (int A, int B)[comparisons.Count];
        for (int i = 0; i < comparisons.Count; i++)
        {
            var c = comparisons[i];
            slots[i] = (Slot(c.Prompt, c.A), Slot(c.Prompt, c.B));
        }
        var r = _model.Rewards(items);
        if (r.Length != items.Count)
            throw new JudgeException(Id, $"the reward model returned {r.Length} rewards for {items.Count} completions");

        var verdicts = new Verdict[comparisons.Count];
        for (int i = 0; i < verdicts.Length; i++)
        {
            double ra = r[slots[i].A], rb = r[slots[i].B];
            if (!double.IsFinite(ra) || !double.IsFinite(rb))
                throw new JudgeException(Id, i, comparisons[i], $"the reward model returned a non-finite reward (r_a = {ra}, r_b = {rb})");
            // P = σ((r_a − r_b) / τ)
            double p = 1.0 / (1.0 + Math.Exp(-(ra - rb) / Temperature));
            verdicts[i] = new Verdict(p, rationale: $"r_a = {ra:G6}, r_b = {rb:G6}");
        }
        return Task.FromResult<IReadOnlyList<Verdict>>(verdicts);

        int Slot(string prompt, string completion)
        {
            if (!index.TryGetValue((prompt, completion), out int k))
            {
                k = items.Count;
                items.Add((prompt, completion));
                index[(prompt, completion)] = k;
            }
            return k;
        }
    }

    /// <summary>Disposes the model if it is disposable.</summary>
    public void Dispose() => (_model as IDisposable)?.Dispose();
}
