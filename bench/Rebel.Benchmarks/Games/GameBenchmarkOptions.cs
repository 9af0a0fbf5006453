using Rebel.SelfPlay.Games;
using Rebel.SelfPlay.Games.Algorithms;

namespace Rebel.Benchmarks.Games;

/// <summary>
/// The grid of a games benchmark: every algorithm × every game × every mode, each algorithm with its default setting
/// (no per-game tuning).
/// </summary>
public sealed record GameBenchmarkOptions
{
    /// <summary>The default games: every built-in, with 10- and 25-action random matrices.</summary>
    public static IReadOnlyList<string> BuiltinGameSpecs { get; } =
        ["rock-paper-scissors", "weighted-rps", "cycle-dominated", "condorcet", "random-10", "random-25"];

    /// <summary>Games as <see cref="GameSource.Resolve"/> accepts them: built-in names or game files (default: <see cref="BuiltinGameSpecs"/>).</summary>
    public IReadOnlyList<string> Games { get; init; } = BuiltinGameSpecs;

    /// <summary>Algorithm names (default: all of <see cref="GameAlgorithms.Names"/>, in catalog order).</summary>
    public IReadOnlyList<string> Algorithms { get; init; } = GameAlgorithms.Names;

    /// <summary>The modes to run (default: exact and sampled).</summary>
    public IReadOnlyList<GameMode> Modes { get; init; } = [GameMode.Exact, GameMode.Sampled];

    /// <summary>T in exact mode (default 2,000, the budget).</summary>
    public int ExactIterations { get; init; } = 2000;

    /// <summary>T in sampled mode (default 20,000, the budget).</summary>
    public int SampledIterations { get; init; } = 20_000;

    /// <summary>S (default 100): sampled pairs per iteration in sampled mode.</summary>
    public int Samples { get; init; } = 100;

    /// <summary>K (default 1): run seeds 0 … K−1 per cell, reporting the worst. A game named <c>random-N</c> is played
    /// as the K different matrices <c>random-N-seed-s</c>, s = 0 … K−1 (run seed s).</summary>
    public int Seeds { get; init; } = 1;

    /// <summary>The target on last-iterate exploitability in exact mode (default 1e-3).</summary>
    public double ExactThreshold { get; init; } = 1e-3;

    /// <summary>The target on last-iterate exploitability in sampled mode (default 2e-2).</summary>
    public double SampledThreshold { get; init; } = 2e-2;

    /// <summary>Which default setting each run uses (default: each mode its own).</summary>
    public DefaultSetting Setting { get; init; } = DefaultSetting.PerMode;

    /// <summary>T of <paramref name="mode"/>.</summary>
    public int Iterations(GameMode mode) => mode == GameMode.Exact ? ExactIterations : SampledIterations;

    /// <summary>The threshold of <paramref name="mode"/>.</summary>
    public double Threshold(GameMode mode) => mode == GameMode.Exact ? ExactThreshold : SampledThreshold;

    /// <summary>The options of <paramref name="algorithm"/> in <paramref name="mode"/> under <see cref="Setting"/>.</summary>
    public GameAlgorithmOptions AlgorithmOptions(GameAlgorithmInfo algorithm, GameMode mode)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        return Setting switch
        {
            DefaultSetting.Exact => algorithm.ExactDefaults,
            DefaultSetting.Sampled => algorithm.SampledDefaults,
            _ => algorithm.Defaults(mode == GameMode.Sampled),
        };
    }

    /// <summary>Returns this instance when every value is in range.</summary>
    /// <exception cref="ArgumentException">An empty or repeated list, a non-positive count, or a threshold that is not
    /// a positive finite number; the message names the option and its value.</exception>
    public GameBenchmarkOptions Validate()
    {
        RequireDistinct(Games, "--games");
        RequireDistinct(Algorithms, "--algorithms");
        RequireDistinct(Modes.Select(m => m.ToString()).ToList(), "--modes");
        foreach (var name in Algorithms) GameAlgorithms.Find(name);
        if (ExactIterations < 1) throw new ArgumentException($"--iterations must be ≥ 1, got {ExactIterations}.");
        if (SampledIterations < 1) throw new ArgumentException($"--sampled-iterations must be ≥ 1, got {SampledIterations}.");
        if (Samples < 1) throw new ArgumentException($"--samples must be ≥ 1, got {Samples}.");
        if (Seeds < 1) throw new ArgumentException($"--seeds must be ≥ 1, got {Seeds}.");
        if (!(ExactThreshold > 0) || double.IsInfinity(ExactThreshold))
            throw new ArgumentException($"--threshold must be a positive number, got {ExactThreshold}.");
        if (!(SampledThreshold > 0) || double.IsInfinity(SampledThreshold))
            throw new ArgumentException($"--sampled-threshold must be a positive number, got {SampledThreshold}.");
        return this;
    }

    private static void RequireDistinct(IReadOnlyList<string> names, string option)
    {
        ArgumentNullException.ThrowIfNull(names, option);
        if (names.Count == 0) throw new ArgumentException($"{option} needs at least one entry.");
        var repeated = names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null) throw new ArgumentException($"{option} names \"{repeated.Key}\" twice.");
    }
}
