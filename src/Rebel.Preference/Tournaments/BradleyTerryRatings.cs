namespace Rebel.Preference.Tournaments;

/// <summary>
/// Fitted Bradley–Terry ratings: P(i ≻ j) = σ(θ_i − θ_j), with logits θ summing to zero.
/// </summary>
/// <param name="Players">Player names, in index order.</param>
/// <param name="Logits">θ_i, centred so that Σ_i θ_i = 0.</param>
/// <param name="LogLikelihood">ℓ(θ) = Σ_{i≠j} w_ij ln σ(θ_i − θ_j) at the fit (without the prior term).</param>
/// <param name="Iterations">Newton iterations used.</param>
public sealed record BradleyTerryRatings(IReadOnlyList<string> Players, double[] Logits, double LogLikelihood, int Iterations)
{
    /// <summary>Elo points per logit: 400 / ln 10 ≈ 173.72, so a 400-point gap means 10:1 odds.</summary>
    public const double EloPerLogit = 400.0 / 2.302585092994046;

    /// <summary>The model's P(i ≻ j) = σ(θ_i − θ_j) = 1 / (1 + exp(θ_j − θ_i)).</summary>
    public double Probability(int i, int j) => 1.0 / (1.0 + Math.Exp(Logits[j] - Logits[i]));

    /// <summary>
    /// Elo-scaled ratings R_i = (400/ln 10)(θ_i − θ_a) + <paramref name="anchorRating"/>, anchored so that player
    /// a = <paramref name="anchor"/> has exactly <paramref name="anchorRating"/>; without an anchor the ratings
    /// are centred: R_i = (400/ln 10) θ_i + anchorRating.
    /// </summary>
    public double[] Elo(int? anchor = null, double anchorRating = 0)
    {
        if (anchor is int a && (uint)a >= (uint)Logits.Length)
            throw new ArgumentOutOfRangeException(nameof(anchor), a, $"the anchor must be a player index in [0, {Logits.Length})");
        double offset = anchor is int k ? Logits[k] : 0.0;
        return Logits.Select(t => EloPerLogit * (t - offset) + anchorRating).ToArray();
    }
}
