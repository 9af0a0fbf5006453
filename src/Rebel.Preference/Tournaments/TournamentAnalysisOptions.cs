using Rebel.Preference.Statistics;

namespace Rebel.Preference.Tournaments;

/// <summary>Settings of <see cref="TournamentAnalysis.Compute"/>.</summary>
public sealed record TournamentAnalysisOptions
{
    /// <summary>
    /// Bradley–Terry settings. Default prior λ = 0.01 (θ_i ~ N(0, 100)): negligible next to a few dozen games
    /// per pair, and it keeps the ratings finite on bootstrap resamples where a player happens to win everything.
    /// </summary>
    public BradleyTerryOptions BradleyTerry { get; init; } = new() { Prior = 0.01 };

    /// <summary>Index of the player whose Elo rating is pinned to <see cref="AnchorRating"/>; null centres the ratings.</summary>
    public int? Anchor { get; init; }

    /// <summary>The anchor's Elo rating (or the mean rating without an anchor); default 1000.</summary>
    public double AnchorRating { get; init; } = 1000;

    /// <summary>Bootstrap over prompts (default 1000 resamples, 95%, seed 0); null skips the intervals.</summary>
    public BootstrapOptions? Bootstrap { get; init; } = new();

    /// <summary>At most this many Condorcet 3-cycles are listed (all are counted); default 100.</summary>
    public int MaxListedCycles { get; init; } = 100;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the bad value.</summary>
    public TournamentAnalysisOptions Validate()
    {
        ArgumentNullException.ThrowIfNull(BradleyTerry);
        BradleyTerry.Validate();
        Bootstrap?.Validate();
        if (!double.IsFinite(AnchorRating)) throw new ArgumentOutOfRangeException(nameof(AnchorRating), AnchorRating, "the anchor rating must be finite");
        if (MaxListedCycles < 0) throw new ArgumentOutOfRangeException(nameof(MaxListedCycles), MaxListedCycles, "must be ≥ 0");
        return this;
    }
}
