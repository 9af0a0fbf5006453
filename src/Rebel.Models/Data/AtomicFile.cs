using System.Text;

namespace Rebel.Models.Data;

/// <summary>
/// Writes a whole file atomically: to a temporary file beside it, flushed to disk, then renamed over it, so readers
/// (and a resume after a crash) see either the old content or the new, never a half-written file.
/// </summary>
public static class AtomicFile
{
    /// <summary>Replaces <paramref name="path"/> with <paramref name="content"/> atomically (creating the folder if needed).</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> content)
    {
        var bytes = content.ToArray();
        Write(path, stream => stream.Write(bytes));
    }

    /// <summary>Replaces <paramref name="path"/> atomically with whatever <paramref name="write"/> writes to the stream it is given.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var tmp = $"{full}.tmp-{Environment.ProcessId}";
        using (var stream = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            write(stream);
            stream.Flush(flushToDisk: true);
        }
        File.Move(tmp, full, overwrite: true);
    }

    /// <summary>Replaces <paramref name="path"/> with <paramref name="text"/> (UTF-8, no byte-order mark) atomically.</summary>
    public static void WriteAllText(string path, string text) => WriteAllBytes(path, new UTF8Encoding(false).GetBytes(text));
}
