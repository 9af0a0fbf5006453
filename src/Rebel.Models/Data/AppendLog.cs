using System.Text;

namespace Rebel.Models.Data;

/// <summary>
/// An append-only JSON Lines file of judged results that survives a kill: every <see cref="Append"/> writes whole
/// lines and flushes them to disk before returning. On open, a torn last line (bytes after the last newline, left by a
/// kill mid-write) is cut off, so its results are simply judged again; every other line must be a JSON object, else
/// reading raises <see cref="DataFormatException"/> naming the file and line.
/// </summary>
public sealed class AppendLog : IDisposable
{
    private readonly FileStream _stream;
    private readonly object _gate = new();

    private AppendLog(string path, FileStream stream, IReadOnlyList<JsonLines.Record> records)
    {
        Path = path;
        _stream = stream;
        Records = records;
    }

    /// <summary>The log's file.</summary>
    public string Path { get; }

    /// <summary>The lines found on open, with their 1-based line numbers.</summary>
    public IReadOnlyList<JsonLines.Record> Records { get; }

    /// <summary>Opens (or creates) the log at <paramref name="path"/>: cuts a torn last line, reads the rest, and positions for appending.</summary>
    /// <exception cref="DataFormatException">A complete line is not a JSON object.</exception>
    public static AppendLog Open(string path)
    {
        CutTornLine(path);
        var records = File.Exists(path) ? JsonLines.Read(path).ToList() : [];
        var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        return new AppendLog(path, stream, records);
    }

    /// <summary>Appends <paramref name="lines"/> (each one JSON object, without its newline) and flushes them to disk (thread-safe).</summary>
    public void Append(IEnumerable<string> lines)
    {
        var text = new StringBuilder();
        foreach (var line in lines) text.Append(line).Append('\n');
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        lock (_gate)
        {
            _stream.Write(bytes); // one write per batch: a kill leaves whole lines and at most one torn line
            _stream.Flush(flushToDisk: true);
        }
    }

    public void Dispose() => _stream.Dispose();

    // cuts the bytes after the last '\n' (a torn last line), if any
    private static void CutTornLine(string path)
    {
        if (!File.Exists(path)) return;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        long end = stream.Length;
        while (end > 0)
        {
            stream.Position = end - 1;
            if (stream.ReadByte() == '\n') break;
            end--;
        }
        if (end < stream.Length)
        {
            stream.SetLength(end);
            stream.Flush(flushToDisk: true);
        }
    }
}
