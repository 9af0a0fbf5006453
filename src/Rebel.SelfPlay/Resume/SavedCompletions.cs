using System.Text.Json;
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
            int k = Index(record, path, "prompt"), s = Index(record, path, "sample");
            if (k >= prompts || s >= samples) return null;
            texts[k * samples + s] = record.RequireString(path, "completion");
        }
        return texts.Any(t => t is null) ? null : texts.Select(t => t!).ToArray();
    }

    /// <summary>Saves texts (prompt-major, <paramref name="samples"/> per prompt) atomically.</summary>
    public static void Save(string path, IReadOnlyList<string> texts, int samples) =>
        JsonLines.WriteAtomic(path, texts.Select((t, i) => new { prompt = i / samples, sample = i % samples, completion = t }));

    /// <summary>A required non-negative integer field, or <see cref="DataFormatException"/> naming file, line and field.</summary>
    public static int Index(JsonLines.Record record, string path, string field) =>
        record.Value.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) && i >= 0
            ? i
            : throw new DataFormatException(path, record.Line, $"field \"{field}\" must be a non-negative integer");
}
