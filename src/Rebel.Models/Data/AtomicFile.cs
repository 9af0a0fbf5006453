using System.Text;

namespace Rebel.Models.Data;

/// <summary>
/// Writes a whole file atomically: to a temporary file beside it (<c>NAME.tmp-PID</c>), flushed to disk, then renamed
/// over it, so readers (and a resume after a crash) see either the old content or the new, never a half-written file.
/// </summary>
/// <remarks>
/// A write that fails (a full disk, a read-only folder, an exception from the caller's writer) deletes its temporary
/// file and leaves the old content in place; file-system failures are reported as one <see cref="IOException"/> naming
/// the target file. Writes in progress when the process exits are finished or discarded (<see cref="PendingWrites"/>).
/// </remarks>
public static class AtomicFile
{
    /// <summary>Replaces <paramref name="path"/> with <paramref name="content"/> atomically (creating the folder if needed).</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> content)
    {
        var bytes = content.ToArray();
        Write(path, stream => stream.Write(bytes));
    }

    /// <summary>Replaces <paramref name="path"/> atomically with whatever <paramref name="write"/> writes to the stream it is given.</summary>
    /// <exception cref="IOException">The file could not be written (the message names it and why); nothing was changed.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        var tmp = TemporaryPath(full);
        using var pending = PendingWrites.Begin(tmp);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            using (var stream = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch (Exception e)
        {
            PendingWrites.TryDelete(tmp);
            if (IsFileSystemFailure(e)) throw new IOException($"{full}: could not write the file: {Reason(e, tmp, full)}", e);
            throw;
        }
    }

    /// <summary>Replaces <paramref name="path"/> with <paramref name="text"/> (UTF-8, no byte-order mark) atomically.</summary>
    public static void WriteAllText(string path, string text) => WriteAllBytes(path, new UTF8Encoding(false).GetBytes(text));

    /// <summary>
    /// Checks before any work that <paramref name="path"/> can be written atomically: it is not a folder, and a
    /// temporary file can be created beside it (its folder is created when missing).
    /// </summary>
    /// <exception cref="IOException">It cannot; the message names the file and why.</exception>
    public static void CheckWritable(string path)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new IOException($"{full}: is a folder, expected a file path");
        var tmp = TemporaryPath(full);
        using var pending = PendingWrites.Begin(tmp);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            using (new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None)) { }
        }
        catch (Exception e) when (IsFileSystemFailure(e))
        {
            throw new IOException($"{full}: cannot be written: {Reason(e, tmp, full)}", e);
        }
        finally
        {
            PendingWrites.TryDelete(tmp);
        }
    }

    /// <summary>The temporary file an atomic write of <paramref name="full"/> uses in this process.</summary>
    internal static string TemporaryPath(string full) => $"{full}.tmp-{Environment.ProcessId}";

    private static bool IsFileSystemFailure(Exception e) =>
        e is UnauthorizedAccessException || e.GetType() == typeof(IOException) || e is DirectoryNotFoundException or PathTooLongException or DriveNotFoundException;

    /// <summary>The reason in the user's terms: "permission denied" rather than .NET's wording, the temporary name replaced by the file's.</summary>
    private static string Reason(Exception e, string tmp, string full) => e is UnauthorizedAccessException
        ? "permission denied"
        : e.Message.Replace($" : '{tmp}'", "", StringComparison.Ordinal).Replace(tmp, full, StringComparison.Ordinal);
}
