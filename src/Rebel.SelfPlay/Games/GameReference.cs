using System.Globalization;
using Rebel.Preference.Models;

namespace Rebel.SelfPlay.Games;

/// <summary>
/// π_ref of a game run (the anchor of nash-md and ipo): the uniform policy (default), a given distribution over
/// the actions, or a random one drawn from a seed (<c>random:SEED</c>: logits ~ N(0, 1), drawn exactly as π_0 is from
/// <c>--seed SEED</c> at σ = 1 and independent of the run's own seed), so that simulations with a random reference
/// policy can be reproduced exactly.
/// </summary>
public sealed record GameReference
{
    private GameReference(string text, double[]? probabilities, int? seed)
    {
        Text = text;
        Probabilities = probabilities;
        Seed = seed;
    }

    /// <summary>The uniform policy.</summary>
    public static GameReference Uniform { get; } = new("uniform", null, null);

    /// <summary>The spec as written on the command line: <c>uniform</c>, <c>random:SEED</c> or <c>P1,P2,…</c>.</summary>
    public string Text { get; }

    /// <summary>The given distribution (one probability per action), or null.</summary>
    public IReadOnlyList<double>? Probabilities { get; }

    /// <summary>The seed of a random π_ref, or null.</summary>
    public int? Seed { get; }

    /// <summary>Parses <c>uniform</c>, <c>random:SEED</c> (an integer) or comma-separated probabilities.</summary>
    /// <exception cref="ArgumentException">None of these forms; the message shows them.</exception>
    public static GameReference Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var spec = text.Trim();
        if (spec == "uniform") return Uniform;
        if (spec.StartsWith("random:", StringComparison.Ordinal))
        {
            return int.TryParse(spec["random:".Length..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int seed)
                ? new GameReference($"random:{seed.ToString(CultureInfo.InvariantCulture)}", null, seed)
                : throw new ArgumentException($"--reference {text}: the seed after \"random:\" must be an integer, e.g. random:7");
        }
        var parts = spec.Split(',', StringSplitOptions.TrimEntries);
        var probabilities = new double[parts.Length];
        for (int a = 0; a < parts.Length; a++)
            if (!double.TryParse(parts[a], NumberStyles.Float, CultureInfo.InvariantCulture, out probabilities[a]) || !(probabilities[a] > 0) || double.IsInfinity(probabilities[a]))
                throw new ArgumentException($"--reference {text}: expected uniform, random:SEED or positive probabilities P1,P2,… (one per action, summing to 1); \"{parts[a]}\" is not a positive number");
        return new GameReference(string.Join(',', probabilities.Select(p => p.ToString("R", CultureInfo.InvariantCulture))), probabilities, null);
    }

    /// <summary>The logits θ_ref of π_ref over <paramref name="game"/>'s actions (π_ref = softmax θ_ref): zeros for the
    /// uniform policy, ln p for a given distribution p, N(0, 1) draws from the seed for <c>random:SEED</c>.</summary>
    /// <exception cref="ArgumentException">A given distribution has the wrong length or does not sum to 1 (within 1e-6).</exception>
    public double[] Logits(MatrixPreferenceModel game)
    {
        ArgumentNullException.ThrowIfNull(game);
        if (Probabilities is { } p)
        {
            if (p.Count != game.Actions.Count)
                throw new ArgumentException($"--reference {Text}: {p.Count} probabilities, but {game.Name} has {game.Actions.Count} actions ({string.Join(", ", game.Actions)})");
            if (Math.Abs(p.Sum() - 1) > 1e-6)
                throw new ArgumentException($"--reference {Text}: the probabilities sum to {p.Sum().ToString("R", CultureInfo.InvariantCulture)}, not 1");
            return p.Select(v => Math.Log(v)).ToArray(); // θ_a = ln π_ref(a)
        }
        return Seed is int seed ? GameSelfPlay.GaussianLogits(game.Actions.Count, 1.0, seed) : new double[game.Actions.Count];
    }

    /// <inheritdoc/>
    public override string ToString() => Text;
}
