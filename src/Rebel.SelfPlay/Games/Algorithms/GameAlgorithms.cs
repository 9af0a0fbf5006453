namespace Rebel.SelfPlay.Games.Algorithms;

/// <summary>
/// The catalog of game algorithms by command-line name, each with its defaults. The defaults are one setting per
/// mode for all games (no per-game tuning); exact and sampled mode differ because sampled targets are noisy.
/// </summary>
public static class GameAlgorithms
{
    /// <summary>Every algorithm, in the order the benchmark reports them.</summary>
    public static IReadOnlyList<GameAlgorithmInfo> All { get; } =
    [
        new("rebel", "π_{t+1} ∝ π_t·exp(η r_t), r_t(y) = P(y ≻ π_t)",
            new() { Eta = 0.5 },
            new() { Eta = 0.1 },
            o => new RebelAlgorithm(o)),
        new("rebel-prox", "π_{t+1} ∝ π_t·exp(η [r_t − β ln(π_t/π_mag)]), π_mag ← π_t every M",
            new() { Eta = 1, Beta = 0.05, MagnetInterval = 50, MagnetMixing = 0.02 },
            new() { Eta = 0.1, Beta = 0.05, MagnetInterval = 200, MagnetMixing = 0.02 },
            o => new RebelProxAlgorithm(o)),
        new("rebel-optimistic", "π_{t+1} ∝ π_t·exp(η [2 g_t − g_{t−1}]), g_t = r_t − β ln(π_t/π_mag), π_mag ← π_t every M",
            new() { Eta = 2, Beta = 0.01, MagnetInterval = 50, MagnetMixing = 0.02 },
            new() { Eta = 0.05, Beta = 0.1, MagnetInterval = 200, MagnetMixing = 0.02 },
            o => new RebelOptimisticAlgorithm(o)),
        new("sppo", "min E_{y~π_t} (ln π(y)/π_t(y) − η(P(y ≻ π_t) − ½))²",
            new() { Eta = 0.5 },
            new() { Eta = 0.1 },
            o => new SppoAlgorithm(o)),
        new("nash-md", "π_{t+1} ∝ π_t^μ·exp(η P(y ≻ π_t^μ)), π_t^μ ∝ π_t^{1−ηβ} π_ref^{ηβ}",
            new() { Eta = 1, Beta = 0.05 },
            new() { Eta = 0.1, Beta = 0.1 },
            o => new NashMdAlgorithm(o)),
        new("ipo", "online IPO: gradient steps on E_{y,y′~π_t} (h_θ(y, y′) − (l − ½)/β)²",
            new() { Eta = 1, Beta = 0.05 },
            new() { Eta = 0.1, Beta = 0.1 },
            o => new IpoAlgorithm(o)),
    ];

    /// <summary>The names, in catalog order.</summary>
    public static IReadOnlyList<string> Names { get; } = All.Select(a => a.Name).ToArray();

    /// <summary>Old names still accepted, each with the name it stands for: <c>online-ipo</c> is <c>ipo</c>, the name
    /// the trainer's loss has always used. A command line that gets one says so on stderr.</summary>
    public static IReadOnlyDictionary<string, string> DeprecatedNames { get; } =
        new Dictionary<string, string>(StringComparer.Ordinal) { ["online-ipo"] = "ipo" };

    /// <summary>The algorithm called <paramref name="name"/> (or by one of its <see cref="DeprecatedNames"/>).</summary>
    /// <exception cref="ArgumentException">No algorithm has that name (the message lists the names).</exception>
    public static GameAlgorithmInfo Find(string name)
    {
        var current = DeprecatedNames.TryGetValue(name, out var renamed) ? renamed : name;
        return All.FirstOrDefault(a => a.Name == current)
            ?? throw new ArgumentException($"Unknown algorithm \"{name}\". Known: {string.Join(", ", Names)}.", nameof(name));
    }
}
