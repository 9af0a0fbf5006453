using System.Text;

namespace Rebel.SelfPlay.Tournaments;

/// <summary>Writes a text file atomically: to a temporary file beside it, flushed to disk, then renamed over it.</summary>
internal static class AtomicText
{
    public static void Write(string path, string content)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var tmp = full + ".tmp";
        using (var stream = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(new UTF8Encoding(false).GetBytes(content));
            stream.Flush(flushToDisk: true);
        }
        File.Move(tmp, full, overwrite: true);
    }
}
