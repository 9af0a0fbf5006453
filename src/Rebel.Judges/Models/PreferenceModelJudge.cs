using Rebel.Preference;
using Rebel.Preference.Models;

namespace Rebel.Judges.Models;

/// <summary>
/// A judge backed by a preference model: P(a ≻ b | x) = model.PreferenceProbabilities([(x, a, b)]). The whole batch
/// goes to the model in one call. The model may be intransitive; it is used as it is (wrap in
/// <see cref="Composite.SymmetrizedJudge"/> if it is not skew-symmetric by construction).
/// </summary>
public sealed class PreferenceModelJudge : IPairwiseJudge
{
    private readonly IPreferenceModel _model;

    /// <summary>Wraps <paramref name="model"/>.</summary>
    public PreferenceModelJudge(IPreferenceModel model)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        Id = $"model:{model.Name}";
    }

    /// <inheritdoc/>
    public string Id { get; }

    /// <inheritdoc/>
    public Task<IReadOnlyList<Verdict>> JudgeAsync(IReadOnlyList<Comparison> comparisons, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(comparisons);
        cancellationToken.ThrowIfCancellationRequested();
        var p = _model.PreferenceProbabilities(comparisons);
        if (p.Length != comparisons.Count)
            throw new JudgeException(Id, $"the model returned {p.Length} probabilities for {comparisons.Count} comparisons");
        var verdicts = new Verdict[p.Length];
        for (int i = 0; i < p.Length; i++)
        {
            if (!(p[i] >= 0.0 && p[i] <= 1.0))
                throw new JudgeException(Id, i, comparisons[i], $"the model returned {p[i]}, not a probability in [0, 1]");
            verdicts[i] = new Verdict(p[i]);
        }
        return Task.FromResult<IReadOnlyList<Verdict>>(verdicts);
    }

    /// <summary>Disposes the model if it is disposable.</summary>
    public void Dispose() => (_model as IDisposable)?.Dispose();
}
