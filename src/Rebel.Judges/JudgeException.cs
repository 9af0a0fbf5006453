using Rebel.Preference;

namespace Rebel.Judges;

/// <summary>
/// A judge could not answer a comparison. The message names the judge, the item (index in its batch and an excerpt
/// of its prompt, when known) and the reason.
/// </summary>
public sealed class JudgeException : RebelException
{
    /// <summary>Creates an exception about item <paramref name="index"/> of a batch.</summary>
    public JudgeException(string judgeId, int index, Comparison? comparison, string reason, Exception? inner = null)
        : base(Format(judgeId, index, comparison, reason), inner)
    {
        JudgeId = judgeId;
        Index = index;
        Reason = reason;
    }

    /// <summary>Creates an exception about a whole batch (a dead child process, a broken connection).</summary>
    public JudgeException(string judgeId, string reason, Exception? inner = null)
        : base($"judge {judgeId}: {reason}", inner)
    {
        JudgeId = judgeId;
        Index = -1;
        Reason = reason;
    }

    /// <summary>The <see cref="IPairwiseJudge.Id"/> of the judge that failed.</summary>
    public string JudgeId { get; }

    /// <summary>The failed item's index in its batch, or −1 when the failure concerns the whole batch.</summary>
    public int Index { get; }

    /// <summary>Why it failed, without the location.</summary>
    public string Reason { get; }

    /// <summary>The first <paramref name="length"/> characters of <paramref name="text"/> on one line, with "…" if cut.</summary>
    public static string Excerpt(string text, int length = 60)
    {
        var flat = text.ReplaceLineEndings(" ");
        return flat.Length <= length ? flat : string.Concat(flat.AsSpan(0, length), "…");
    }

    private static string Format(string judgeId, int index, Comparison? comparison, string reason) =>
        comparison is null
            ? $"judge {judgeId}: item {index}: {reason}"
            : $"judge {judgeId}: item {index} (prompt \"{Excerpt(comparison.Prompt)}\"): {reason}";
}
