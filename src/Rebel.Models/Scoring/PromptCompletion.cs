namespace Rebel.Models.Scoring;

/// <summary>A prompt and a completion as token ids. The completion's log-prob counts every completion id, EOS included
/// when the completion ends with it.</summary>
public sealed record PromptCompletion(int[] PromptIds, int[] CompletionIds)
{
    /// <summary>Number of ids the model reads to score this pair: |prompt| + |completion| − 1.</summary>
    public int InputLength => PromptIds.Length + CompletionIds.Length - 1;
}
