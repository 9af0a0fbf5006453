using Rebel.Preference;

namespace Rebel.Judges;

/// <summary>
/// A judge from a delegate: either per item, p = f(x, a, b), or per batch. Every returned value is checked to be a
/// number in [0, 1]; a value outside it, or an exception from the delegate, becomes a <see cref="JudgeException"/>
/// naming the item.
/// </summary>
public sealed class FunctionJudge : IPairwiseJudge
{
    private readonly Func<IReadOnlyList<Comparison>, CancellationToken, Task<IReadOnlyList<double>>> _batch;
    private readonly Func<Comparison, double>? _single;

    /// <summary>A judge computing P(a ≻ b) one comparison at a time.</summary>
    /// <param name="id">The stable <see cref="Id"/>; change it whenever the function's answers change.</param>
    /// <param name="probability">P(a ≻ b | x) for one comparison.</param>
    public FunctionJudge(string id, Func<Comparison, double> probability)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        _single = probability ?? throw new ArgumentNullException(nameof(probability));
        _batch = (_, _) => throw new InvalidOperationException("unreachable");
        Id = id;
    }

    /// <summary>A judge computing a whole batch at once (e.g. one forward pass of a model).</summary>
    public FunctionJudge(string id, Func<IReadOnlyList<Comparison>, CancellationToken, Task<IReadOnlyList<double>>> probabilities)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        _batch = probabilities ?? throw new ArgumentNullException(nameof(probabilities));
        Id = id;
    }

    /// <inheritdoc/>
    public string Id { get; }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<Verdict>> JudgeAsync(IReadOnlyList<Comparison> comparisons, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(comparisons);
        cancellationToken.ThrowIfCancellationRequested();
        var verdicts = new Verdict[comparisons.Count];
        if (_single is not null)
        {
            for (int i = 0; i < verdicts.Length; i++)
            {
                double p;
                try
                {
                    p = _single(comparisons[i]);
                }
                catch (Exception e) when (e is not OperationCanceledException and not JudgeException)
                {
                    throw new JudgeException(Id, i, comparisons[i], $"the function threw {e.GetType().Name}: {e.Message}", e);
                }
                verdicts[i] = Checked(p, i, comparisons[i]);
            }
            return verdicts;
        }

        IReadOnlyList<double> values;
        try
        {
            values = await _batch(comparisons, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException and not JudgeException)
        {
            throw new JudgeException(Id, $"the function threw {e.GetType().Name} on a batch of {comparisons.Count}: {e.Message}", e);
        }
        if (values is null || values.Count != comparisons.Count)
            throw new JudgeException(Id, $"the function returned {values?.Count ?? 0} values for {comparisons.Count} comparisons");
        for (int i = 0; i < verdicts.Length; i++) verdicts[i] = Checked(values[i], i, comparisons[i]);
        return verdicts;
    }

    private Verdict Checked(double p, int index, Comparison comparison) =>
        p >= 0.0 && p <= 1.0 ? new Verdict(p) : throw new JudgeException(Id, index, comparison, $"the function returned {p}, not a probability in [0, 1]");

    /// <summary>Function judges hold no resources.</summary>
    public void Dispose()
    {
    }
}
