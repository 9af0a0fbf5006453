namespace Rebel.Judges.Rules;

/// <summary>
/// Prefers the completion whose word count n(y) is closer to a target length L:
/// s(x, y) = −|n(y) − L|. Equal distances tie.
/// </summary>
/// <remarks>Spec: <c>length</c> (L = <see cref="DefaultTarget"/>) or <c>length(L)</c>.</remarks>
public sealed class LengthJudge : RuleJudge
{
    /// <summary>The target length used by the spec <c>length</c>: 20 words.</summary>
    public const int DefaultTarget = 20;

    /// <summary>Creates the judge with target length <paramref name="targetWords"/> ≥ 1.</summary>
    public LengthJudge(int targetWords = DefaultTarget)
    {
        if (targetWords < 1) throw new ArgumentOutOfRangeException(nameof(targetWords), targetWords, "the target length must be at least 1 word");
        TargetWords = targetWords;
    }

    /// <summary>The target length L, in words.</summary>
    public int TargetWords { get; }

    /// <inheritdoc/>
    public override string Id => TargetWords == DefaultTarget ? "length" : $"length({TargetWords})";

    /// <inheritdoc/>
    public override double Score(string prompt, string completion) => -Math.Abs(Words.Count(completion) - TargetWords);
}
