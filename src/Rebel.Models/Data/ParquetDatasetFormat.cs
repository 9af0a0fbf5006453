using System.Collections;
using System.Globalization;
using System.Text.Json;
using Parquet;
using Parquet.Serialization;

namespace Rebel.Models.Data;

/// <summary>
/// Parquet files, as a Hugging Face dataset repository ships them, read with Parquet.Net one row group at a time.
/// Each row becomes a JSON object: string columns become strings, numbers and booleans stay themselves, list columns
/// become arrays, struct columns (e.g. a message <c>{content, role}</c>) objects, and a null cell an absent key.
/// Rows are numbered from 1 across the file's row groups.
/// </summary>
/// <remarks>
/// Also converted, though no reader uses them: dates and times as ISO 8601 strings, binary cells as base64 strings,
/// floating NaN and infinities as the strings <c>"NaN"</c>, <c>"Infinity"</c>, <c>"-Infinity"</c>. A file Parquet.Net
/// cannot read raises <see cref="DataFormatException"/> naming the file (row 0: the whole file).
/// </remarks>
public sealed class ParquetDatasetFormat : IDatasetFormat
{
    /// <summary>The one instance.</summary>
    public static ParquetDatasetFormat Instance { get; } = new();

    private ParquetDatasetFormat()
    {
    }

    /// <inheritdoc/>
    public string Name => "Parquet";

    /// <inheritdoc/>
    public IEnumerable<DatasetRow> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: file not found", path);
        return ReadCore(path);
    }

    private static IEnumerable<DatasetRow> ReadCore(string path)
    {
        using var stream = File.OpenRead(path);
        int groups = Guard(path, () => RowGroupCount(stream));
        int number = 0;
        for (int g = 0; g < groups; g++)
        {
            var rows = Guard(path, () => ParquetSerializer.DeserializeUntypedAsync(stream, rowGroupIndex: g).GetAwaiter().GetResult().Data);
            foreach (var row in rows) yield return new DatasetRow(path, ++number, IsRow: true, ToJson(row));
        }
    }

    private static int RowGroupCount(Stream stream)
    {
        var reader = ParquetReader.CreateAsync(stream, leaveStreamOpen: true).GetAwaiter().GetResult();
        try
        {
            return reader.RowGroupCount;
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>Runs a Parquet.Net call; any failure becomes a one-line error naming the file.</summary>
    private static T Guard<T>(string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is not OutOfMemoryException and not DataFormatException)
        {
            throw new DataFormatException(path, 0, $"not a readable Parquet file ({e.GetType().Name}: {e.Message})", e);
        }
    }

    private static JsonElement ToJson(IDictionary<string, object> row)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
            WriteValue(writer, row);
        using var doc = JsonDocument.Parse(buffer.WrittenMemory);
        return doc.RootElement.Clone();
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNullValue(); break;
            case string s: writer.WriteStringValue(s); break;
            case ReadOnlyMemory<char> chars: writer.WriteStringValue(chars.Span); break;
            case bool b: writer.WriteBooleanValue(b); break;
            case double d: WriteFloat(writer, d); break;
            case float f: WriteFloat(writer, f); break;
            case Half h: WriteFloat(writer, (double)h); break;
            case decimal m: writer.WriteNumberValue(m); break;
            case sbyte or byte or short or ushort or int or uint or long: writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture)); break;
            case ulong u: writer.WriteNumberValue(u); break;
            case byte[] bytes: writer.WriteBase64StringValue(bytes); break;
            case ReadOnlyMemory<byte> bytes: writer.WriteBase64StringValue(bytes.Span); break;
            case DateTime t: writer.WriteStringValue(t.ToString("O", CultureInfo.InvariantCulture)); break;
            case DateTimeOffset t: writer.WriteStringValue(t.ToString("O", CultureInfo.InvariantCulture)); break;
            case IDictionary<string, object> fields:
                writer.WriteStartObject();
                foreach (var (key, v) in fields)
                {
                    if (v is null) continue; // a null cell reads as an absent key, as in JSON Lines files written without it
                    writer.WritePropertyName(key);
                    WriteValue(writer, v);
                }
                writer.WriteEndObject();
                break;
            case IDictionary map:
                writer.WriteStartObject();
                foreach (DictionaryEntry e in map)
                {
                    writer.WritePropertyName(Convert.ToString(e.Key, CultureInfo.InvariantCulture) ?? "");
                    WriteValue(writer, e.Value);
                }
                writer.WriteEndObject();
                break;
            case IEnumerable items:
                writer.WriteStartArray();
                foreach (var item in items) WriteValue(writer, item);
                writer.WriteEndArray();
                break;
            default: writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture)); break;
        }
    }

    private static void WriteFloat(Utf8JsonWriter writer, double d)
    {
        if (double.IsFinite(d)) writer.WriteNumberValue(d);
        else writer.WriteStringValue(d.ToString(CultureInfo.InvariantCulture));
    }
}
