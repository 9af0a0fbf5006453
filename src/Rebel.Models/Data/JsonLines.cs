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
                using var doc = JsonDocument.Parse(line);
                value = doc.RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw new DataFormatException(path, number, $"not valid JSON ({e.Message})", e);
            }
            if (value.ValueKind != JsonValueKind.Object)
                throw new DataFormatException(path, number, $"expected a JSON object, found {value.ValueKind}");
            yield return new Record(number, value);
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
