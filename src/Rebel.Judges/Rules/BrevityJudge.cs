namespace Rebel.Judges.Rules;

/// <summary>
/// Prefers the shorter completion: s(x, y) = −n(y), where n(y) is the number of words of y. Equal word counts tie.
/// On its own it rewards saying nothing; it is meant as one criterion of a vote, against criteria that cost words
/// (coverage, detail), which is how the default task's judge trades them off.
/// </summary>
/// <remarks>Spec: <c>brevity</c>.</remarks>
public sealed class BrevityJudge : RuleJudge
{
    /// <inheritdoc/>
    public override string Id => "brevity";

    /// <inheritdoc/>
    public override double Score(string prompt, string completion) => -Words.Count(completion);
}
