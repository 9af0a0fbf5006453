using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Rebel.Models.Data;

/// <summary>
/// Streaming JSON Lines reading and writing. Blank lines are skipped; any other line that is not a JSON object
/// raises <see cref="DataFormatException"/> naming the file and line, so bad input is never silently dropped.
/// </summary>
public static class JsonLines
{
    /// <summary>One parsed record: its 1-based line number and the JSON object on it.</summary>
    public readonly record struct Record(int Line, JsonElement Value);

    /// <summary>Reads every non-blank line of <paramref name="path"/> as a JSON object, lazily.</summary>
    public static IEnumerable<Record> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: file not found", path);
        return ReadCore(path);
    }

    private static IEnumerable<Record> ReadCore(string path)
    {
        using var reader = new StreamReader(path);
        int number = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonElement value;
            try
            {
                using var doc = JsonDocument.Parse(line, Strict);
                value = doc.RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw new DataFormatException(path, number, $"not valid JSON ({Describe(e)})", e);
            }
            if (value.ValueKind != JsonValueKind.Object)
                throw new DataFormatException(path, number, $"expected a JSON object, found {value.ValueKind}");
            if (line.Contains("\\u", StringComparison.Ordinal) && LoneSurrogate(value) is { } where)
                throw new DataFormatException(path, number, $"{where} holds a \\u escape of half a UTF-16 surrogate pair (e.g. a lone \\ud800), which is not text");
            yield return new Record(number, value);
        }
    }

    /// <summary>Parsing options: a key twice in one object is an error (which of the two values would count?).</summary>
    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false };

    /// <summary>System.Text.Json's reason without its byte offsets (the line number is given separately).</summary>
    private static string Describe(JsonException e)
    {
        var message = e.Message;
        int at = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (at < 0) at = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (at < 0 ? message : message[..at]).TrimEnd(' ', '|', '.');
    }

    /// <summary>The first string or key (as "field \"name\"" or "a key") that is not valid UTF-16, or null.</summary>
    private static string? LoneSurrogate(JsonElement element, string? field = null)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return "a key";
                    }
                    if (LoneSurrogate(property.Value, field ?? name) is { } found) return found;
                }
                return null;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                    if (LoneSurrogate(item, field) is { } found) return found;
                return null;
            case JsonValueKind.String:
                try
                {
                    element.GetString();
                    return null;
                }
                catch (InvalidOperationException)
                {
                    return field is null ? "a string" : $"field \"{field}\"";
                }
            default:
                return null;
        }
    }

    /// <summary>Reads a required string field, or throws naming file, line and field.</summary>
    public static string RequireString(this Record record, string path, string field)
    {
        if (!record.Value.TryGetProperty(field, out var v))
            throw new DataFormatException(path, record.Line, $"missing field \"{field}\"");
        if (v.ValueKind != JsonValueKind.String)
            throw new DataFormatException(path, record.Line, $"field \"{field}\" must be a string, found {v.ValueKind}");
        return v.GetString()!;
    }

    /// <summary>Reads a required non-negative integer field (an index), or throws naming file, line and field.</summary>
    public static int RequireIndex(this Record record, string path, string field) =>
        record.Value.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) && i >= 0
            ? i
            : throw new DataFormatException(path, record.Line, $"field \"{field}\" must be a non-negative integer");

    /// <summary>Reads a required number in [0, 1] (a probability), or throws naming file, line and field.</summary>
    public static double RequireProbability(this Record record, string path, string field) =>
        record.Value.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.Number && v.GetDouble() is double p && p >= 0 && p <= 1
            ? p
            : throw new DataFormatException(path, record.Line, $"field \"{field}\" must be a number in [0, 1]");

    /// <summary>
    /// Writes records atomically: to a temporary file beside <paramref name="path"/>, flushed to disk, then renamed.
    /// </summary>
    public static void WriteAtomic<T>(string path, IEnumerable<T> records, JsonSerializerOptions? options = null) =>
        AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, leaveOpen: true);
            foreach (var r in records) writer.WriteLine(JsonSerializer.Serialize(r, options));
        });
}
