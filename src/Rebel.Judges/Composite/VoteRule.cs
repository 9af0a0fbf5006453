namespace Rebel.Judges.Composite;

/// <summary>How <see cref="VoteJudge"/> aggregates its members' verdicts p_i with weights w_i.</summary>
public enum VoteRule
{
    /// <summary>
    /// Weighted majority of hard votes: member i votes for a when p_i &gt; ½ and for b when p_i &lt; ½ (abstains at ½);
    /// P = 1 if the weight voting for a exceeds the weight voting for b, 0 if it is smaller, ½ if equal.
    /// </summary>
    Majority,

    /// <summary>Weighted mean of the probabilities: P = Σ w_i p_i / Σ w_i.</summary>
    Mean,
}
