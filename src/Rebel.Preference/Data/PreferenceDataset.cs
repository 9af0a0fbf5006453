using System.Globalization;
using System.Text.Json;
using Rebel.Models.Data;

namespace Rebel.Preference.Data;

/// <summary>
/// Reads and writes preference datasets in JSON Lines. Each line is one of two shapes:
/// <c>{"prompt": "...", "chosen": "...", "rejected": "..."}</c> (hard label: p = P(chosen ≻ rejected) = 1) or
/// <c>{"prompt": "...", "a": "...", "b": "...", "p": 0.7}</c> (soft label: p = P(a ≻ b)). Other fields are ignored.
/// </summary>
/// <remarks>
/// Reading streams the file; the first bad line raises <see cref="DataFormatException"/> naming the file, the
/// 1-based line and what is wrong: a missing field, a field of the wrong JSON type, p outside [0, 1], an empty
/// completion, or a line that mixes fields of both shapes. The prompt may be an empty string; completions may not.
/// </remarks>
public static class PreferenceDataset
{
    private static readonly string[] HardFields = ["chosen", "rejected"];
    private static readonly string[] SoftFields = ["a", "b", "p"];

    /// <summary>Streams the records of a preference JSONL file, in file order.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DataFormatException">A line is malformed (file, line and problem in the message).</exception>
    public static IEnumerable<PreferenceRecord> Read(string path) =>
        JsonLines.Read(path).Select(record => Parse(record, path)); // JsonLines.Read checks the file eagerly

    /// <summary>Parses one JSON Lines record (see the type's remarks for the accepted shapes).</summary>
    internal static PreferenceRecord Parse(JsonLines.Record record, string path)
    {
        var hard = HardFields.Where(f => record.Value.TryGetProperty(f, out _)).ToArray();
        var soft = SoftFields.Where(f => record.Value.TryGetProperty(f, out _)).ToArray();
        if (hard.Length > 0 && soft.Length > 0)
            throw new DataFormatException(path, record.Line,
                $"mixes the chosen/rejected shape (has {Quote(hard)}) with the a/b/p shape (has {Quote(soft)})");
        if (hard.Length == 0 && soft.Length == 0)
            throw new DataFormatException(path, record.Line,
                "expected {\"prompt\",\"chosen\",\"rejected\"} or {\"prompt\",\"a\",\"b\",\"p\"}; found neither");

        string prompt = record.RequireString(path, "prompt");
        if (hard.Length > 0)
        {
            string chosen = RequireCompletion(record, path, "chosen");
            string rejected = RequireCompletion(record, path, "rejected");
            return new PreferenceRecord(prompt, chosen, rejected, 1.0);
        }
        string a = RequireCompletion(record, path, "a");
        string b = RequireCompletion(record, path, "b");
        return new PreferenceRecord(prompt, a, b, RequireProbability(record, path, "p"));
    }

    /// <summary>
    /// Writes records atomically (temporary file, then rename) in the soft shape {"prompt","a","b","p"},
    /// which holds hard labels too (p = 1).
    /// </summary>
    public static void Write(string path, IEnumerable<PreferenceRecord> records) =>
        JsonLines.WriteAtomic(path, records.Select(r => new SoftLine(r.Prompt, r.A, r.B, r.P)));

    private sealed record SoftLine(
        [property: System.Text.Json.Serialization.JsonPropertyName("prompt")] string Prompt,
        [property: System.Text.Json.Serialization.JsonPropertyName("a")] string A,
        [property: System.Text.Json.Serialization.JsonPropertyName("b")] string B,
        [property: System.Text.Json.Serialization.JsonPropertyName("p")] double P);

    private static string RequireCompletion(JsonLines.Record record, string path, string field)
    {
        string value = record.RequireString(path, field);
        if (value.Length == 0) throw new DataFormatException(path, record.Line, $"field \"{field}\" is an empty completion");
        return value;
    }

    private static double RequireProbability(JsonLines.Record record, string path, string field)
    {
        if (!record.Value.TryGetProperty(field, out var v))
            throw new DataFormatException(path, record.Line, $"missing field \"{field}\"");
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out double p))
            throw new DataFormatException(path, record.Line, $"field \"{field}\" must be a number, found {v.ValueKind}");
        if (!(p >= 0.0 && p <= 1.0))
            throw new DataFormatException(path, record.Line,
                $"field \"{field}\" = {p.ToString("R", CultureInfo.InvariantCulture)} is not a probability in [0, 1]");
        return p;
    }

    private static string Quote(IEnumerable<string> fields) => string.Join(", ", fields.Select(f => $"\"{f}\""));
}
