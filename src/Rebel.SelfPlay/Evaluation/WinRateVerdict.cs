namespace Rebel.SelfPlay.Evaluation;

/// <summary>
/// One judged game of a win-rate evaluation: sample <paramref name="Sample"/> of the policy against the same sample of
/// the reference on prompt <paramref name="PromptIndex"/>. The policy's completion is shown to the judge as a, the
/// reference's as b, so <paramref name="P"/> = P(policy ≻ reference | x).
/// </summary>
/// <param name="PromptIndex">Index of the prompt in the evaluation's prompt list.</param>
/// <param name="Sample">Sample index s, 0 ≤ s &lt; n.</param>
/// <param name="Prompt">The prompt x.</param>
/// <param name="Completion">The policy's completion y.</param>
/// <param name="ReferenceCompletion">The reference's completion y′.</param>
/// <param name="P">The judge's P(y ≻ y′ | x) ∈ [0, 1]; ½ is a tie.</param>
public sealed record WinRateVerdict(int PromptIndex, int Sample, string Prompt, string Completion, string ReferenceCompletion, double P)
{
    /// <summary>
    /// ℓ(y) − ℓ(y′), the length difference the length-controlled win rate adjusts for, with ℓ counted in characters
    /// (Unicode scalar values), as AlpacaEval 2 counts them.
    /// </summary>
    public double LengthDifference => Length(Completion) - Length(ReferenceCompletion);

    /// <summary>ℓ(text): the number of Unicode scalar values (a surrogate pair counts once).</summary>
    public static int Length(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int count = 0;
        foreach (var _ in text.EnumerateRunes()) count++;
        return count;
    }
}
