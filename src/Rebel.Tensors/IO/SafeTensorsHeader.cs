using System.Buffers.Binary;
using System.Text.Json;

namespace Rebel.Tensors.IO;

/// <summary>
/// The parsed and fully validated header of a safetensors file.
/// </summary>
/// <remarks>
/// Layout: <c>u64 little-endian N</c> · <c>N bytes of UTF-8 JSON</c> · data section. The JSON object maps each
/// tensor name to <c>{"dtype", "shape", "data_offsets": [begin, end]}</c> (offsets relative to the data section)
/// and may hold a <c>"__metadata__"</c> object of string values. Validation guarantees, for every tensor,
/// end − begin = Π shape × element size, and that the tensors, sorted by offset, tile the data section exactly
/// (first begins at 0, each begins where the previous ends, the last ends at the end of the file).
/// </remarks>
internal sealed class SafeTensorsHeader
{
    /// <summary>Name of the optional string-to-string map inside the header.</summary>
    internal const string MetadataKey = "__metadata__";

    /// <summary>Upper bound on the JSON header's length, as in the reference implementation (100 MB).</summary>
    internal const long MaxHeaderLength = 100_000_000;

    private SafeTensorsHeader(long dataStart, IReadOnlyList<SafeTensorInfo> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        DataStart = dataStart;
        Tensors = tensors;
        Metadata = metadata;
    }

    /// <summary>Absolute file offset of the data section: 8 + N.</summary>
    internal long DataStart { get; }

    /// <summary>The tensors in data order (ascending offsets; ties between empty tensors by ordinal name).</summary>
    internal IReadOnlyList<SafeTensorInfo> Tensors { get; }

    /// <summary>The <c>__metadata__</c> map (empty when absent).</summary>
    internal IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Reads and validates the header of a file of <paramref name="fileLength"/> bytes.</summary>
    /// <param name="path">The file's path, for messages.</param>
    /// <param name="fileLength">Total length of the file in bytes.</param>
    /// <param name="readAt">Copies file bytes at an absolute offset into a span (the span's length bytes).</param>
    internal static SafeTensorsHeader Read(string path, long fileLength, Action<long, Span<byte>> readAt)
    {
        if (fileLength < 8)
            throw new SafeTensorsFormatException(path, $"file is {fileLength} bytes, too short for the 8-byte header length");
        Span<byte> prefix = stackalloc byte[8];
        readAt(0, prefix);
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (n > (ulong)(fileLength - 8))
            throw new SafeTensorsFormatException(path, $"header length {n} exceeds the {fileLength - 8} bytes after the length prefix (truncated or corrupt file)");
        if (n > MaxHeaderLength)
            throw new SafeTensorsFormatException(path, $"header length {n} exceeds the limit of {MaxHeaderLength} bytes");
        if (n < 2)
            throw new SafeTensorsFormatException(path, $"header length {n} is too short for a JSON object");
        var json = new byte[(int)n];
        readAt(8, json);
        if (!System.Text.Unicode.Utf8.IsValid(json))
            throw new SafeTensorsFormatException(path, "header is not valid UTF-8");
        if (json[0] != (byte)'{')
            throw new SafeTensorsFormatException(path, $"header does not start with '{{' (first byte 0x{json[0]:X2})");

        long dataStart = 8 + (long)n;
        long dataLength = fileLength - dataStart;
        var (tensors, metadata) = ParseJson(path, json, dataLength);
        return new SafeTensorsHeader(dataStart, tensors, metadata);
    }

    private static (List<SafeTensorInfo>, Dictionary<string, string>) ParseJson(string path, byte[] json, long dataLength)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16, AllowTrailingCommas = false });
        }
        catch (JsonException e)
        {
            throw new SafeTensorsFormatException(path, $"header is not valid JSON: {e.Message}", inner: e);
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new SafeTensorsFormatException(path, $"header is a JSON {doc.RootElement.ValueKind}, expected an object");

            var tensors = new List<SafeTensorInfo>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var entry in doc.RootElement.EnumerateObject())
            {
                if (!seen.Add(entry.Name))
                    throw new SafeTensorsFormatException(path, "name appears more than once in the header", entry.Name);
                if (entry.Name == MetadataKey) ReadMetadata(path, entry.Value, metadata);
                else tensors.Add(ReadTensor(path, entry.Name, entry.Value));
            }
            CheckLayout(path, tensors, dataLength);
            return (tensors, metadata);
        }
    }

    private static void ReadMetadata(string path, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind == JsonValueKind.Null) return;
        if (value.ValueKind != JsonValueKind.Object)
            throw new SafeTensorsFormatException(path, $"\"{MetadataKey}\" is a JSON {value.ValueKind}, expected an object of strings");
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw new SafeTensorsFormatException(path, $"\"{MetadataKey}\" entry \"{item.Name}\" is a JSON {item.Value.ValueKind}, expected a string");
            if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
                throw new SafeTensorsFormatException(path, $"\"{MetadataKey}\" entry \"{item.Name}\" appears more than once");
        }
    }

    private static SafeTensorInfo ReadTensor(string path, string name, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new SafeTensorsFormatException(path, $"entry is a JSON {value.ValueKind}, expected an object", name);

        var dtypeText = Require(path, name, value, "dtype", JsonValueKind.String).GetString()!;
        if (!SafeTensorsDTypeExtensions.TryParseHeaderName(dtypeText, out var dtype))
            throw new SafeTensorsFormatException(path, $"unknown dtype \"{dtypeText}\"", name);

        var shapeJson = Require(path, name, value, "shape", JsonValueKind.Array);
        var shape = new int[shapeJson.GetArrayLength()];
        int i = 0;
        foreach (var d in shapeJson.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out int dim) || dim < 0)
                throw new SafeTensorsFormatException(path, $"shape dimension {i} is {d.GetRawText()}, expected an integer in [0, {int.MaxValue}]", name);
            shape[i++] = dim;
        }

        var offsets = Require(path, name, value, "data_offsets", JsonValueKind.Array);
        if (offsets.GetArrayLength() != 2)
            throw new SafeTensorsFormatException(path, $"data_offsets has {offsets.GetArrayLength()} entries, expected [begin, end]", name);
        long begin = ReadOffset(path, name, offsets[0]);
        long end = ReadOffset(path, name, offsets[1]);
        if (end < begin)
            throw new SafeTensorsFormatException(path, $"data_offsets [{begin}, {end}] end before they begin", name);

        // Π shape × element size, with overflow treated as a mismatch rather than wrapped around.
        long expected;
        try
        {
            expected = dtype.ElementSize();
            foreach (var d in shape) expected = checked(expected * d);
        }
        catch (OverflowException)
        {
            throw new SafeTensorsFormatException(path, $"shape [{string.Join(", ", shape)}] is too large", name);
        }
        if (end - begin != expected)
            throw new SafeTensorsFormatException(path,
                $"data_offsets [{begin}, {end}] span {end - begin} bytes, but shape [{string.Join(", ", shape)}] of {dtypeText} needs {expected}", name);

        return new SafeTensorInfo(name, dtype, shape, begin, end);
    }

    private static JsonElement Require(string path, string name, JsonElement entry, string field, JsonValueKind kind)
    {
        if (!entry.TryGetProperty(field, out var value))
            throw new SafeTensorsFormatException(path, $"missing field \"{field}\"", name);
        if (value.ValueKind != kind)
            throw new SafeTensorsFormatException(path, $"field \"{field}\" is a JSON {value.ValueKind}, expected {kind}", name);
        return value;
    }

    private static long ReadOffset(string path, string name, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out long offset) || offset < 0)
            throw new SafeTensorsFormatException(path, $"data offset {value.GetRawText()} is not a non-negative integer", name);
        return offset;
    }

    /// <summary>Sorts by offset and checks that the tensors tile [0, dataLength) without gaps or overlaps.</summary>
    private static void CheckLayout(string path, List<SafeTensorInfo> tensors, long dataLength)
    {
        tensors.Sort(static (a, b) =>
        {
            int c = a.DataBegin.CompareTo(b.DataBegin);
            if (c == 0) c = a.DataEnd.CompareTo(b.DataEnd);
            return c != 0 ? c : string.CompareOrdinal(a.Name, b.Name); // empty tensors may share an offset
        });
        long cursor = 0;
        string? previous = null;
        foreach (var t in tensors)
        {
            if (t.DataEnd > dataLength)
                throw new SafeTensorsFormatException(path,
                    $"data_offsets [{t.DataBegin}, {t.DataEnd}] extend past the {dataLength}-byte data section (truncated or corrupt file)", t.Name);
            if (t.DataBegin < cursor)
                throw new SafeTensorsFormatException(path,
                    $"data_offsets [{t.DataBegin}, {t.DataEnd}] overlap tensor \"{previous}\", which ends at {cursor}", t.Name);
            if (t.DataBegin > cursor)
                throw new SafeTensorsFormatException(path,
                    $"data_offsets [{t.DataBegin}, {t.DataEnd}] leave a gap of {t.DataBegin - cursor} bytes after offset {cursor}", t.Name);
            cursor = t.DataEnd;
            previous = t.Name;
        }
        if (cursor != dataLength)
            throw new SafeTensorsFormatException(path,
                $"tensors cover {cursor} bytes but the data section holds {dataLength} (extra trailing bytes, or a header that does not describe the data)");
    }
}
