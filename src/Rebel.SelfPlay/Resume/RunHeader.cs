using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rebel.Models.Data;

namespace Rebel.SelfPlay.Resume;

/// <summary>
/// <c>run.json</c>, the settings that define a resumable run (judge, samples, seed, a digest of the prompts, …). The
/// first run writes it atomically; a later run over the same directory must bring equal settings, else it is refused
/// with the first differing key, so saved completions and verdicts are only ever reused by the run that made them.
/// </summary>
internal static class RunHeader
{
    public const string FileName = "run.json";

    /// <summary>SHA-256 (lowercase hex) of the prompt texts joined by U+0000: equal for equal prompt lists, whatever file held them.</summary>
    public static string PromptsSha256(IReadOnlyList<string> prompts) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u0000', prompts))));

    /// <summary>
    /// The settings every resumable run is defined by, in this order: <paramref name="leading"/>'s keys (e.g. the two
    /// sides' names), <c>judge</c>, <c>samples</c>, <c>seed</c>, <paramref name="sampling"/>'s keys (e.g. temperature),
    /// <c>prompts</c> (the count) and <c>prompts_sha256</c> (<see cref="PromptsSha256"/>).
    /// </summary>
    public static JsonObject Settings(string judgeId, int samples, ulong seed, IReadOnlyList<string> prompts,
        IEnumerable<KeyValuePair<string, JsonNode?>>? leading = null, IEnumerable<KeyValuePair<string, JsonNode?>>? sampling = null)
    {
        var settings = new JsonObject();
        foreach (var (key, value) in leading ?? []) settings[key] = value?.DeepClone();
        settings["judge"] = judgeId;
        settings["samples"] = samples;
        settings["seed"] = seed;
        foreach (var (key, value) in sampling ?? []) settings[key] = value?.DeepClone();
        settings["prompts"] = prompts.Count;
        settings["prompts_sha256"] = PromptsSha256(prompts);
        return settings;
    }

    /// <summary>
    /// Writes <paramref name="settings"/> to <c>DIRECTORY/run.json</c> when there is none; otherwise checks that every key
    /// of <paramref name="settings"/> has the saved value.
    /// </summary>
    /// <param name="directory">The run's directory (created if needed).</param>
    /// <param name="settings">What defines the run, in the order a mismatch is looked for.</param>
    /// <param name="remedy">What to tell the user on a mismatch (e.g. "use another --out directory").</param>
    /// <param name="mismatch">Makes the caller's exception of the message (which names the key, both values and the
    /// remedy), so that each caller keeps its own exception type.</param>
    /// <exception cref="Exception">What <paramref name="mismatch"/> makes, when a saved setting differs.</exception>
    /// <exception cref="DataFormatException">The saved run.json is not a JSON object.</exception>
    public static void Ensure(string directory, JsonObject settings, string remedy, Func<string, Exception> mismatch)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            AtomicFile.WriteAllText(path, settings.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
            return;
        }
        var saved = ReadObject(path);
        foreach (var (key, value) in settings)
            if (!JsonNode.DeepEquals(saved[key], value))
                throw mismatch(
                    $"{directory} holds a run with {key} = {Show(saved[key])}, not {Show(value)}; rerun with the same settings to resume it, or {remedy}");
    }

    /// <summary>The JSON object saved at <paramref name="path"/> (run.json, players.json).</summary>
    /// <exception cref="DataFormatException">Not valid JSON, or not an object.</exception>
    public static JsonObject ReadObject(string path)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new DataFormatException(path, 0, "expected a JSON object");
        }
        catch (JsonException e)
        {
            throw new DataFormatException(path, 0, $"not valid JSON ({e.Message})", e);
        }
    }

    private static string Show(JsonNode? value) => value?.ToJsonString() ?? "(none)";
}
