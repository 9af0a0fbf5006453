namespace Rebel.Preference.Tournaments;

/// <summary>Settings of sequential Elo updates (see <see cref="OnlineElo"/>).</summary>
public sealed record OnlineEloOptions
{
    /// <summary>K, the update step in Elo points per unit of surprise (default 16).</summary>
    public double K { get; init; } = 16;

    /// <summary>R₀, every player's starting rating (default 1000).</summary>
    public double InitialRating { get; init; } = 1000;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the bad value.</summary>
    public OnlineEloOptions Validate()
    {
        if (!(K > 0) || double.IsPositiveInfinity(K)) throw new ArgumentOutOfRangeException(nameof(K), K, "K must be finite and > 0");
        if (!double.IsFinite(InitialRating)) throw new ArgumentOutOfRangeException(nameof(InitialRating), InitialRating, "the initial rating must be finite");
        return this;
    }
}
