using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Rebel.Models.Data;

namespace Rebel.Models.Tokenization;

/// <summary>
/// GPT-2's original files: <c>vocab.json</c> (a JSON object, token → id) and <c>merges.txt</c> (an optional
/// <c>#version</c> line, then one merge "left right" per line, lowest rank first).
/// </summary>
internal static class VocabMergesFormat
{
    public const string MergesHeader = "#version: 0.2";

    internal static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Dictionary<string, int> ReadVocab(string path)
    {
        using var doc = ParseJson(path);
        return ReadVocabObject(doc.RootElement, path, "the file");
    }

    /// <summary>Reads a JSON object of token → id; <paramref name="what"/> names it in errors.</summary>
    public static Dictionary<string, int> ReadVocabObject(JsonElement element, string path, string what)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw new DataFormatException(path, 0, $"{what} must be a JSON object of token → id, found {element.ValueKind}");
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetInt32(out int id) || id < 0)
                throw new DataFormatException(path, 0, $"{what}: token \"{property.Name}\" must have a non-negative integer id, found {property.Value}");
            if (!vocab.TryAdd(property.Name, id))
                throw new DataFormatException(path, 0, $"{what}: token \"{property.Name}\" appears twice");
        }
        return vocab;
    }

    /// <summary>Reads merges and checks each against <paramref name="vocab"/>, naming the line of a bad one.</summary>
    public static List<BpeMerge> ReadMerges(string path, IReadOnlyDictionary<string, int> vocab)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: file not found", path);
        var merges = new List<BpeMerge>();
        int number = 0;
        foreach (var line in File.ReadLines(path, Encoding.UTF8))
        {
            number++;
            if (line.Length == 0 || (number == 1 && line.StartsWith("#version", StringComparison.Ordinal))) continue;
            var parts = line.Split(' ');
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
                throw new DataFormatException(path, number, $"expected two tokens separated by one space, found \"{line}\"");
            var merge = new BpeMerge(parts[0], parts[1]);
            CheckMerge(merge, vocab, path, number);
            merges.Add(merge);
        }
        return merges;
    }

    public static void CheckMerge(BpeMerge merge, IReadOnlyDictionary<string, int> vocab, string path, int line)
    {
        foreach (var part in new[] { merge.Left, merge.Right, merge.Merged })
        {
            if (!vocab.ContainsKey(part))
                throw new DataFormatException(path, line, $"merge \"{merge}\": token \"{part}\" is not in the vocabulary");
        }
    }

    public static void WriteVocab(string path, IEnumerable<KeyValuePair<string, int>> entries)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, WriterOptions))
        {
            WriteVocabObject(writer, entries);
        }
        AtomicFile.WriteAllBytes(path, stream.GetBuffer().AsSpan(0, (int)stream.Length));
    }

    /// <summary>Writes token → id as one JSON object, in increasing id order.</summary>
    public static void WriteVocabObject(Utf8JsonWriter writer, IEnumerable<KeyValuePair<string, int>> entries)
    {
        writer.WriteStartObject();
        foreach (var (token, id) in entries.OrderBy(e => e.Value)) writer.WriteNumber(token, id);
        writer.WriteEndObject();
    }

    public static void WriteMerges(string path, IEnumerable<BpeMerge> merges)
    {
        var text = new StringBuilder(MergesHeader).Append('\n');
        foreach (var m in merges) text.Append(m.Left).Append(' ').Append(m.Right).Append('\n');
        AtomicFile.WriteAllBytes(path, Encoding.UTF8.GetBytes(text.ToString()));
    }

    public static JsonDocument ParseJson(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: file not found", path);
        try
        {
            using var stream = File.OpenRead(path);                  // Parse(Stream) skips a UTF-8 byte-order mark
            return JsonDocument.Parse(stream, new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            throw new DataFormatException(path, (int)(e.LineNumber ?? -1) + 1, $"not valid JSON ({e.Message})", e);
        }
    }
}
