namespace Rebel.Preference.Tournaments;

/// <summary>Settings of the Bradley–Terry maximum-likelihood fit (see <see cref="BradleyTerry"/>).</summary>
public sealed record BradleyTerryOptions
{
    /// <summary>
    /// λ ≥ 0, the precision of a Gaussian prior θ_i ~ N(0, 1/λ) on each logit rating: the fit maximises
    /// ℓ(θ) − (λ/2) Σ_i θ_i². Default 0 (pure MLE), which requires that no group of players has lost no game to the
    /// rest; a small λ (e.g. 0.01) keeps ratings finite when a player wins or loses everything.
    /// </summary>
    public double Prior { get; init; }

    /// <summary>Stop when max_i |∂/∂θ_i| ≤ Tolerance · (1 + total games) (default 1e-12).</summary>
    public double Tolerance { get; init; } = 1e-12;

    /// <summary>Newton iterations allowed before giving up with an error (default 100).</summary>
    public int MaxIterations { get; init; } = 100;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the bad value.</summary>
    public BradleyTerryOptions Validate()
    {
        if (!(Prior >= 0) || double.IsPositiveInfinity(Prior))
            throw new ArgumentOutOfRangeException(nameof(Prior), Prior, "the prior precision λ must be finite and ≥ 0");
        if (!(Tolerance > 0)) throw new ArgumentOutOfRangeException(nameof(Tolerance), Tolerance, "the tolerance must be > 0");
        if (MaxIterations < 1) throw new ArgumentOutOfRangeException(nameof(MaxIterations), MaxIterations, "at least one iteration");
        return this;
    }
}
