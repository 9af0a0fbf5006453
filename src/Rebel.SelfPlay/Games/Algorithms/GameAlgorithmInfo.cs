namespace Rebel.SelfPlay.Games.Algorithms;

/// <summary>A named game algorithm with its one default setting per mode and a factory.</summary>
/// <param name="Name">The command-line name.</param>
/// <param name="Summary">One line: the update rule.</param>
/// <param name="ExactDefaults">The setting used for every game in exact mode.</param>
/// <param name="SampledDefaults">The setting used for every game in sampled mode.</param>
/// <param name="Factory">Builds a fresh instance (with its own state) from options.</param>
public sealed record GameAlgorithmInfo(
    string Name,
    string Summary,
    GameAlgorithmOptions ExactDefaults,
    GameAlgorithmOptions SampledDefaults,
    Func<GameAlgorithmOptions, IGameAlgorithm> Factory)
{
    /// <summary>The defaults of the given mode.</summary>
    public GameAlgorithmOptions Defaults(bool sampled) => sampled ? SampledDefaults : ExactDefaults;

    /// <summary>A fresh instance with the given options (validated).</summary>
    public IGameAlgorithm Create(GameAlgorithmOptions options) => Factory(options.Validate());
}
