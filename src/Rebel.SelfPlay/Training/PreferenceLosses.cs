using Rebel.SelfPlay.Losses;

namespace Rebel.SelfPlay.Training;

/// <summary>Maps a run's <see cref="RebelOptions.Loss"/> name to its <see cref="IPreferenceLoss"/>.</summary>
public static class PreferenceLosses
{
    /// <summary>The loss object for validated options.</summary>
    public static IPreferenceLoss Create(RebelOptions options) => options.Loss switch
    {
        "rebel" => new RebelLoss(options.Eta),
        "sppo" => new SppoLoss(options.Eta),
        "ipo" => new IpoLoss(options.Beta),
        "dpo" => new DpoLoss(options.Beta),
        "nash-md" => new NashMdLoss(options.Eta),
        "rloo" => new RlooLoss(),
        _ => throw new ArgumentException($"Unknown loss \"{options.Loss}\" (known: {string.Join(", ", RebelOptions.KnownLosses)})."),
    };
}
