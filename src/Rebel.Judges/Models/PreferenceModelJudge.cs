using Rebel.Models.Data;
using Rebel.Preference;
using Rebel.Preference.Models;

namespace Rebel.Judges.Models;

/// <summary>
/// A judge backed by a preference model: P(a ≻ b | x) = model.PreferenceProbabilities([(x, a, b)]). The whole batch
/// goes to the model in one call. The model may be intransitive; it is used as it is (wrap in
/// <see cref="Composite.SymmetrizedJudge"/> if it is not skew-symmetric by construction).
/// </summary>
/// <remarks>
/// <b>Identity.</b> A model loaded from a folder (<see cref="Load"/>) has the id <c>model:KIND@sha256:DIGEST</c>, the
/// first 16 hex digits of <see cref="ContentHash.OfDirectory"/> over its files (config and weights), so two different
/// models never share an id, and a copy of the same model anywhere keeps it.
/// </remarks>
public sealed class PreferenceModelJudge : IPairwiseJudge
{
    private readonly IPreferenceModel _model;

    /// <summary>Wraps <paramref name="model"/>; <paramref name="contentHash"/> (e.g. <see cref="ContentHash.OfDirectory"/>
    /// of the folder it was loaded from) enters <see cref="Id"/>. Without one, the id is <c>model:KIND</c> and names only
    /// the kind of model: give one whenever verdicts are cached or a run is resumed.</summary>
    public PreferenceModelJudge(IPreferenceModel model, string? contentHash = null)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        Id = contentHash is null ? $"model:{model.Name}" : $"model:{model.Name}@sha256:{ContentHash.Short(contentHash)}";
    }

    /// <summary>Loads the preference model saved in <paramref name="directory"/>, its id carrying the folder's content hash.</summary>
    /// <exception cref="IOException">The folder or one of its files is missing or unreadable.</exception>
    /// <exception cref="InvalidDataException">The folder does not hold a valid preference model.</exception>
    public static PreferenceModelJudge Load(string directory)
    {
        var model = PreferenceModels.Load(directory);
        return new PreferenceModelJudge(model, ContentHash.OfDirectory(directory));
    }

    /// <inheritdoc/>
    public string Id { get; }

    /// <inheritdoc/>
    /// <exception cref="JudgeException">The model rejected a comparison (its message is kept) or returned something
    /// other than one probability per comparison.</exception>
    public Task<IReadOnlyList<Verdict>> JudgeAsync(IReadOnlyList<Comparison> comparisons, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(comparisons);
        cancellationToken.ThrowIfCancellationRequested();
        double[] p;
        try
        {
            p = _model.PreferenceProbabilities(comparisons);
        }
        catch (ArgumentException e) // a completion the model cannot score, e.g. one that is not a matrix model's action
        {
            throw new JudgeException(Id, e.Message, e);
        }
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
