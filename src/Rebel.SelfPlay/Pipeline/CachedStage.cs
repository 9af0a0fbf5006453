using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rebel.Models.Data;

namespace Rebel.SelfPlay.Pipeline;

/// <summary>
/// A pipeline stage whose output folder is reused while its inputs are unchanged: the folder carries a stamp (a JSON
/// object of the settings and the SHA-256 of the input files); a stamp with the same keys and values means it is
/// current. A new folder is built under a temporary name, stamped, then renamed into place, so a killed run never
/// leaves a half-written one.
/// </summary>
internal static class CachedStage
{
    /// <summary>The saved stamp when <paramref name="directory"/> holds one agreeing with every key of <paramref name="stamp"/>
    /// (the saved one may carry more, such as results recorded when it was built); null when the folder is not current.</summary>
    public static JsonObject? Current(string directory, string stampFile, JsonObject stamp)
    {
        var path = Path.Combine(directory, stampFile);
        return File.Exists(path) && JsonNode.Parse(File.ReadAllText(path)) is JsonObject saved
            && stamp.All(kv => JsonNode.DeepEquals(saved[kv.Key], kv.Value)) ? saved : null;
    }

    /// <summary>Runs <paramref name="build"/> on an empty temporary folder, writes <paramref name="stamp"/> there and
    /// moves it to <paramref name="directory"/>, replacing what was there.</summary>
    public static void Build(string directory, string stampFile, JsonObject stamp, Action<string> build)
    {
        var temporary = directory + ".tmp";
        using var pending = PendingWrites.Begin(temporary);                      // discarded if the process exits midway
        try
        {
            if (Directory.Exists(temporary)) Directory.Delete(temporary, recursive: true);
            Directory.CreateDirectory(temporary);
            build(temporary);
            AtomicFile.WriteAllText(Path.Combine(temporary, stampFile), stamp.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
            Directory.Move(temporary, directory);
        }
        catch
        {
            PendingWrites.TryDelete(temporary);                                 // a failed build (a full disk) leaves no half folder
            throw;
        }
    }

    /// <summary>The settings part of a stamp: <paramref name="settings"/> as snake_case JSON without the path keys
    /// (paths differ between clones; the files they name enter the stamp by content).</summary>
    public static JsonObject Settings<T>(T settings, params string[] pathKeys)
    {
        var json = JsonSerializer.SerializeToNode(settings, Rebel.SelfPlay.Training.RebelOptions.JsonOptions)!.AsObject();
        foreach (var key in pathKeys) json.Remove(key);
        return json;
    }

    /// <summary>The file's SHA-256 as lower-case hex; for a dataset folder or glob, that of its files' hashes and names.</summary>
    public static string Sha256(string path) => ContentHash.OfDataset(path);
}
