using Rebel.Preference;
using Rebel.SelfPlay.Games.Losses;

namespace Rebel.SelfPlay.Games.Algorithms;

/// <summary>What every game algorithm shares: the run's matrix and reference, and small vector helpers.</summary>
public abstract class GameAlgorithm : IGameAlgorithm
{
    private PreferenceMatrix? _preference;
    private TabularPolicy? _reference;

    protected GameAlgorithm(GameAlgorithmOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options.Validate();
    }

    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public GameAlgorithmOptions Options { get; }

    /// <summary>P, once <see cref="Start"/> has run.</summary>
    protected PreferenceMatrix Preference => _preference ?? throw new InvalidOperationException($"{Name}: call Start before stepping.");

    /// <summary>π_ref, once <see cref="Start"/> has run.</summary>
    protected TabularPolicy Reference => _reference ?? throw new InvalidOperationException($"{Name}: call Start before stepping.");

    /// <inheritdoc />
    public void Start(PreferenceMatrix preference, TabularPolicy initial, TabularPolicy reference)
    {
        ArgumentNullException.ThrowIfNull(preference);
        ArgumentNullException.ThrowIfNull(initial);
        ArgumentNullException.ThrowIfNull(reference);
        if (initial.ActionCount != preference.Count || reference.ActionCount != preference.Count)
            throw new ArgumentException(
                $"The game has {preference.Count} actions, π_0 {initial.ActionCount} and π_ref {reference.ActionCount}.");
        _preference = preference;
        _reference = reference.Snapshot();
        OnStart(initial.Snapshot());
    }

    /// <summary>Resets the rule's own state at the start of a run.</summary>
    protected virtual void OnStart(TabularPolicy initial) { }

    /// <inheritdoc />
    public abstract void StepExact(TabularPolicy policy);

    /// <inheritdoc />
    public abstract void StepSampled(TabularPolicy policy, int samples, Random random);

    /// <summary>Draws S pairs y, y′ ~ exp(<paramref name="samplingLogProbs"/>) and judges them; that policy is also the anchor.</summary>
    private protected PairBatch DrawPairs(double[] samplingLogProbs, int samples, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        var probs = Exp(samplingLogProbs);
        return PairBatch.Draw(Preference, probs, probs, samples, random, samplingLogProbs);
    }

    /// <summary>Sets the policy's logits (context 0) to θ, shifted so that they equal ln π.</summary>
    protected static void SetLogits(TabularPolicy policy, ReadOnlySpan<double> logits)
    {
        logits.CopyTo(policy.Logits());
        SoftmaxMath.Normalize(policy.Logits());
    }

    /// <summary>e^x elementwise.</summary>
    protected static double[] Exp(ReadOnlySpan<double> x)
    {
        var y = new double[x.Length];
        for (var i = 0; i < x.Length; i++) y[i] = Math.Exp(x[i]);
        return y;
    }
}
