using Rebel.Models.Data;

namespace Rebel.SelfPlay.Resume;

/// <summary>
/// One side's generated texts of a resumable run, saved before judging so that a resumed run judges the very same
/// texts without sampling again: JSON Lines <c>{"prompt": k, "sample": s, "completion": "..."}</c>, prompt-major,
/// written atomically (so the file is either whole or absent).
/// </summary>
internal static class SavedCompletions
{
    /// <summary>The texts saved at <paramref name="path"/> (prompt-major) when they cover every (prompt, sample), else null.</summary>
    /// <exception cref="DataFormatException">A line is not an object with non-negative integer <c>prompt</c>, <c>sample</c> and a string <c>completion</c>.</exception>
    public static string[]? Load(string path, int prompts, int samples)
    {
        if (!File.Exists(path)) return null;
        var texts = new string?[prompts * samples];
        foreach (var record in JsonLines.Read(path))
        {
            int k = record.RequireIndex(path, "prompt"), s = record.RequireIndex(path, "sample");
            if (k >= prompts || s >= samples) return null;
            texts[k * samples + s] = record.RequireString(path, "completion");
        }
        return texts.Any(t => t is null) ? null : texts.Select(t => t!).ToArray();
    }

    /// <summary>
    /// The texts of a player for a resumable run: those saved at <paramref name="path"/> when they cover every
    /// (prompt, sample), else the answers of <paramref name="complete"/> (the player's <c>Complete(prompts, samples,
    /// seed)</c>: <paramref name="samples"/> per prompt, seeded with <paramref name="seed"/>), checked to number K · n and saved atomically before they are returned. A player that
    /// returns another number of completions gets the exception <paramref name="wrongCount"/> makes of that number, so
    /// each caller keeps its own exception type and message.
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled before loading or generating.</exception>
    public static string[] LoadOrComplete(string path, Func<IReadOnlyList<string>, int, ulong, IReadOnlyList<string>> complete,
        IReadOnlyList<string> prompts, int samples, ulong seed, Func<int, Exception> wrongCount, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var saved = Load(path, prompts.Count, samples);
        if (saved is not null) return saved;
        var texts = complete(prompts, samples, seed);
        if (texts.Count != prompts.Count * samples) throw wrongCount(texts.Count);
        Save(path, texts, samples);
        return texts.ToArray();
    }

    /// <summary>Saves texts (prompt-major, <paramref name="samples"/> per prompt) atomically.</summary>
    public static void Save(string path, IReadOnlyList<string> texts, int samples) =>
        JsonLines.WriteAtomic(path, texts.Select((t, i) => new { prompt = i / samples, sample = i % samples, completion = t }));
}
