using Rebel.Judges;
using Rebel.Models.Data;

namespace Rebel.SelfPlay.Tournaments;

/// <summary>
/// A player whose answers are fixed in a JSONL file of <c>{"prompt","completion"}</c> lines, named by the file name
/// without its extension. A prompt may appear on several lines: sample s of that prompt is its (s mod k)-th listed
/// completion, k being how many the file has for it.
/// </summary>
public sealed class CompletionFilePlayer : ITournamentPlayer
{
    private readonly Dictionary<string, List<string>> _answers;

    private CompletionFilePlayer(string name, string path, string fingerprint, Dictionary<string, List<string>> answers)
    {
        Name = name;
        Path = path;
        Fingerprint = fingerprint;
        _answers = answers;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    /// <remarks>The SHA-256 of the file's bytes when it was read.</remarks>
    public string Fingerprint { get; }

    /// <summary>The completion file read.</summary>
    public string Path { get; }

    /// <summary>Reads a completion file; the player's name is the file name without extension unless given.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DataFormatException">A line is not a JSON object with string fields <c>prompt</c> and <c>completion</c>.</exception>
    public static CompletionFilePlayer Load(string path, string? name = null)
    {
        var answers = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var fingerprint = ContentHash.OfFile(path);
        foreach (var record in JsonLines.Read(path))
        {
            var prompt = record.RequireString(path, "prompt");
            var completion = record.RequireString(path, "completion");
            if (!answers.TryGetValue(prompt, out var list)) answers[prompt] = list = [];
            list.Add(completion);
        }
        return new CompletionFilePlayer(name ?? System.IO.Path.GetFileNameWithoutExtension(path), path, fingerprint, answers);
    }

    /// <inheritdoc/>
    /// <remarks>The seed is unused: the file's answers are fixed.</remarks>
    public IReadOnlyList<string> Complete(IReadOnlyList<string> prompts, int samplesPerPrompt, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentOutOfRangeException.ThrowIfLessThan(samplesPerPrompt, 1);
        var texts = new string[prompts.Count * samplesPerPrompt];
        for (int k = 0; k < prompts.Count; k++)
        {
            if (!_answers.TryGetValue(prompts[k], out var list))
                throw new TournamentException(
                    $"player {Name}: {Path} has no completion for prompt {k} (\"{JudgeException.Excerpt(prompts[k])}\"); a completion file must answer every prompt");
            for (int s = 0; s < samplesPerPrompt; s++) texts[k * samplesPerPrompt + s] = list[s % list.Count];
        }
        return texts;
    }
}
