using Rebel.Preference;
using Rebel.SelfPlay.Policies;
using Rebel.SelfPlay.Training;

namespace Rebel.SelfPlay.Games.Algorithms;

/// <summary>What every game algorithm shares: the run's matrix and reference, and small vector helpers.</summary>
internal abstract class GameAlgorithm : IGameAlgorithm
{
    private PreferenceMatrix? _preference;
    private double[]? _reference;

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

    /// <summary>ln π_ref (a new array), once <see cref="Start"/> has run.</summary>
    protected double[] ReferenceLogProbs() =>
        LogProbabilities(_reference ?? throw new InvalidOperationException($"{Name}: call Start before stepping."));

    /// <inheritdoc />
    public void Start(PreferenceMatrix preference, ReadOnlySpan<double> initial, ReadOnlySpan<double> reference)
    {
        ArgumentNullException.ThrowIfNull(preference);
        if (initial.Length != preference.Count || reference.Length != preference.Count)
            throw new ArgumentException(
                $"The game has {preference.Count} actions, π_0 {initial.Length} and π_ref {reference.Length}.");
        _preference = preference;
        _reference = reference.ToArray();
        OnStart(initial.ToArray());
    }

    /// <summary>Resets the rule's own state at the start of a run, from π_0's logits.</summary>
    protected virtual void OnStart(double[] initial) { }

    /// <inheritdoc />
    public abstract void StepExact(Span<double> logits);

    /// <inheritdoc />
    public abstract RebelOptions SampledTraining { get; }

    /// <summary>The trainer's prox/magnet REBEL with this rule's η, β, M and ε (ε only with a magnet, M &gt; 0: exact mode
    /// ignores ε without one too).</summary>
    protected RebelOptions MagnetTraining => new()
    {
        Loss = "rebel", Eta = Options.Eta, Beta = Options.Beta, MagnetResetInterval = Options.MagnetInterval,
        MagnetMixing = Options.MagnetInterval > 0 ? Options.MagnetMixing : 0,
    };

    /// <summary>ln π = θ − ln Σ_b exp θ_b, as a new array.</summary>
    protected static double[] LogProbabilities(ReadOnlySpan<double> logits)
    {
        var logProbs = new double[logits.Length];
        SoftmaxMath.LogSoftmax(logits, logProbs);
        return logProbs;
    }

    /// <summary>Sets the policy's logits to θ, shifted so that they equal ln π.</summary>
    protected static void SetLogits(Span<double> policy, ReadOnlySpan<double> logits)
    {
        logits.CopyTo(policy);
        SoftmaxMath.Normalize(policy);
    }

    /// <summary>e^x elementwise.</summary>
    protected static double[] Exp(ReadOnlySpan<double> x)
    {
        var y = new double[x.Length];
        for (var i = 0; i < x.Length; i++) y[i] = Math.Exp(x[i]);
        return y;
    }
}
