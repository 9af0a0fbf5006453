using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Rebel.SelfPlay.Training;

/// <summary>
/// Appends one JSON object per iteration to <c>metrics.jsonl</c>, handed to the operating system line by line (a reader
/// sees each line at once) and flushed to disk by <see cref="Sync"/>, which the trainer calls before every checkpoint,
/// with keys grouped by prefix (<c>loss/</c>, <c>judge/</c>, <c>eval/</c>, <c>time/</c>, …). On resume, lines past the
/// checkpoint's iteration are dropped, so the file reads as if the run had never stopped: only lines through the
/// checkpoint must survive a crash.
/// </summary>
public sealed class MetricsLog : IDisposable
{
    private readonly FileStream _stream;

    /// <summary>Opens <paramref name="path"/> for appending, first keeping only iterations ≤ <paramref name="keepThroughIteration"/>.</summary>
    public MetricsLog(string path, int keepThroughIteration = int.MaxValue)
    {
        Path = path;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        if (File.Exists(path) && keepThroughIteration != int.MaxValue)
        {
            var kept = File.ReadLines(path).Where(line =>
            {
                if (string.IsNullOrWhiteSpace(line)) return false;
                using var doc = JsonDocument.Parse(line);
                return !doc.RootElement.TryGetProperty("iteration", out var it) || it.GetInt32() <= keepThroughIteration;
            }).ToList();
            var tmp = path + ".tmp";
            File.WriteAllLines(tmp, kept);
            File.Move(tmp, path, overwrite: true);
        }
        _stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
    }

    /// <summary>The file being written.</summary>
    public string Path { get; }

    /// <summary>Writes one record: <c>iteration</c> first, then the metrics in the given order.</summary>
    public void Write(int iteration, IEnumerable<KeyValuePair<string, double>> metrics)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("iteration", iteration);
            foreach (var (key, value) in metrics)
            {
                if (double.IsFinite(value)) writer.WriteNumber(key, Math.Round(value, 9));
                else writer.WriteString(key, value.ToString(CultureInfo.InvariantCulture)); // NaN/Infinity stay visible
            }
            writer.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        _stream.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
        _stream.Flush();
    }

    /// <summary>Flushes every line written so far to disk.</summary>
    public void Sync() => _stream.Flush(flushToDisk: true);

    /// <summary>Reads a metrics file back as one dictionary per line (numbers only).</summary>
    public static List<Dictionary<string, double>> Read(string path)
    {
        var rows = new List<Dictionary<string, double>>();
        foreach (var line in File.ReadLines(path, Encoding.UTF8))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            using var doc = JsonDocument.Parse(line);
            var row = new Dictionary<string, double>();
            foreach (var p in doc.RootElement.EnumerateObject())
                if (p.Value.ValueKind == JsonValueKind.Number) row[p.Name] = p.Value.GetDouble();
            rows.Add(row);
        }
        return rows;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Sync();
        _stream.Dispose();
    }
}
