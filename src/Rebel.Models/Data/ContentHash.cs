using System.Security.Cryptography;
using System.Text;

namespace Rebel.Models.Data;

/// <summary>
/// SHA-256 digests (lower-case hex) that identify what a run reads by content, not by path: a file, a text, or a
/// whole folder (a model directory), so that a run, a judge or a player is recognised after a move and a changed
/// input is noticed under an unchanged name.
/// </summary>
public static class ContentHash
{
    /// <summary>The SHA-256 of the file's bytes.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    public static string OfFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>The SHA-256 of <paramref name="text"/> as UTF-8.</summary>
    public static string OfText(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>
    /// The SHA-256 of a folder's files: for each file under it (recursively, in ordinal order of the relative path with
    /// '/' separators) its relative path, a NUL, its own SHA-256 and a newline. Equal for copies of the folder anywhere;
    /// different as soon as a file is added, removed, renamed or changed.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">No such folder.</exception>
    public static string OfDirectory(string directory)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"{directory}: no such directory");
        var listing = new StringBuilder();
        var files = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Select(f => (Relative: Path.GetRelativePath(directory, f).Replace(Path.DirectorySeparatorChar, '/'), Full: f))
            .OrderBy(f => f.Relative, StringComparer.Ordinal);
        foreach (var (relative, full) in files)
            listing.Append(relative).Append('\0').Append(OfFile(full)).Append('\n');
        return OfText(listing.ToString());
    }

    /// <summary>The SHA-256 of a file or, for a folder, of its files (<see cref="OfDirectory"/>).</summary>
    /// <exception cref="FileNotFoundException">Neither a file nor a folder.</exception>
    public static string OfPath(string path) =>
        File.Exists(path) ? OfFile(path)
        : Directory.Exists(path) ? OfDirectory(path)
        : throw new FileNotFoundException($"{path}: no such file or directory", path);

    /// <summary>
    /// The SHA-256 of a dataset location (<see cref="DatasetFiles"/>): a file's own SHA-256, or for a folder or glob the
    /// SHA-256 of one line per file in reading order, its SHA-256, two spaces and its name.
    /// </summary>
    /// <exception cref="FileNotFoundException">The location holds no dataset file.</exception>
    public static string OfDataset(string location)
    {
        if (File.Exists(location)) return OfFile(location);
        var lines = DatasetFiles.Resolve(location).Select(f => $"{OfFile(f)}  {Path.GetFileName(f)}\n");
        return OfText(string.Concat(lines));
    }

    /// <summary>The first 16 hex digits of a digest: enough to tell inputs apart in an id meant to be read.</summary>
    public static string Short(string digest) => digest.Length <= 16 ? digest : digest[..16];
}
