using System.Text;

namespace Rebel.SelfPlay.Games;

/// <summary>Writes a whole file so that readers see either the old or the new content: temporary file, then rename.</summary>
internal static class AtomicFile
{
    public static void WriteAllText(string path, string text)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        var temporary = full + $".tmp-{Environment.ProcessId}";
        File.WriteAllText(temporary, text, new UTF8Encoding(false));
        File.Move(temporary, full, overwrite: true);
    }
}
