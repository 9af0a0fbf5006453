using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rebel.Models.Data;

namespace Rebel.SelfPlay.Tournaments;

/// <summary>
/// A tournament's saved state in its output directory, so that a killed run resumes without re-judging or
/// regenerating anything:
/// <list type="bullet">
/// <item><c>run.json</c> — the judge id, samples, seed and a hash of the prompts; a resume with other settings is refused;</item>
/// <item><c>completions/NAME.jsonl</c> — each player's generated texts (<c>prompt</c>, <c>sample</c>, <c>completion</c>), written atomically;</item>
/// <item><c>verdicts.jsonl</c> — append-only, one line per judged game (<c>first</c>, <c>second</c> by name,
/// <c>prompt</c>, <c>sample</c>, <c>p</c>), flushed to disk after every judge batch. A torn last line (a kill
/// mid-write) is cut off on open.</item>
/// </list>
/// </summary>
internal sealed class TournamentStore : IDisposable
{
    private readonly FileStream _verdicts;
    private readonly object _gate = new();

    private TournamentStore(string directory, FileStream verdicts, Dictionary<(string, string, int, int), double> saved)
    {
        Directory = directory;
        _verdicts = verdicts;
        Saved = saved;
    }

    public string Directory { get; }

    public string VerdictsPath => Path.Combine(Directory, "verdicts.jsonl");

    /// <summary>Verdicts already on disk, by (first name, second name, prompt, sample).</summary>
    public Dictionary<(string First, string Second, int Prompt, int Sample), double> Saved { get; }

    /// <summary>Opens (or starts) the state in <paramref name="directory"/> for a run with these settings.</summary>
    public static TournamentStore Open(string directory, string judgeId, IReadOnlyList<string> prompts, int samples, ulong seed)
    {
        System.IO.Directory.CreateDirectory(directory);
        var settings = new JsonObject
        {
            ["judge"] = judgeId,
            ["samples"] = samples,
            ["seed"] = seed,
            ["prompts"] = prompts.Count,
            ["prompts_sha256"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u0000', prompts)))),
        };
        var runPath = Path.Combine(directory, "run.json");
        if (File.Exists(runPath))
        {
            var existing = JsonNode.Parse(File.ReadAllText(runPath))!.AsObject();
            foreach (var (key, value) in settings)
                if (!JsonNode.DeepEquals(existing[key], value))
                    throw new TournamentException(
                        $"{directory} holds a tournament with {key} = {existing[key]?.ToJsonString()}, not {value?.ToJsonString()}; resume it with the same settings or use another --out directory");
        }
        else
            AtomicText.Write(runPath, settings.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

        var path = Path.Combine(directory, "verdicts.jsonl");
        CutTornLine(path);
        var saved = new Dictionary<(string, string, int, int), double>();
        if (File.Exists(path))
            foreach (var record in JsonLines.Read(path))
            {
                var key = (record.RequireString(path, "first"), record.RequireString(path, "second"), Int(record, path, "prompt"), Int(record, path, "sample"));
                if (!record.Value.TryGetProperty("p", out var p) || p.ValueKind != JsonValueKind.Number || !(p.GetDouble() is >= 0 and <= 1))
                    throw new DataFormatException(path, record.Line, "field \"p\" must be a number in [0, 1]");
                saved[key] = p.GetDouble();
            }
        var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        return new TournamentStore(directory, stream, saved);
    }

    /// <summary>The player's saved texts when they cover every (prompt, sample), else null.</summary>
    public string[]? LoadCompletions(string player, int prompts, int samples)
    {
        var path = CompletionsPath(player);
        if (!File.Exists(path)) return null;
        var texts = new string?[prompts * samples];
        foreach (var record in JsonLines.Read(path))
        {
            int k = Int(record, path, "prompt"), s = Int(record, path, "sample");
            if (k >= prompts || s >= samples) return null;
            texts[k * samples + s] = record.RequireString(path, "completion");
        }
        return texts.Any(t => t is null) ? null : texts.Select(t => t!).ToArray();
    }

    /// <summary>Saves a player's texts (prompt-major) atomically.</summary>
    public void SaveCompletions(string player, IReadOnlyList<string> texts, int samples) =>
        JsonLines.WriteAtomic(CompletionsPath(player), texts.Select((t, i) => new { prompt = i / samples, sample = i % samples, completion = t }));

    /// <summary>Appends a judged batch and flushes it to disk before returning (thread-safe).</summary>
    public void Append(IReadOnlyList<(string First, string Second, int Prompt, int Sample, double P)> verdicts)
    {
        var text = new StringBuilder();
        foreach (var v in verdicts)
            text.Append(CultureInfo.InvariantCulture,
                $"{{\"first\":{JsonSerializer.Serialize(v.First)},\"second\":{JsonSerializer.Serialize(v.Second)},\"prompt\":{v.Prompt},\"sample\":{v.Sample},\"p\":{v.P.ToString("R", CultureInfo.InvariantCulture)}}}\n");
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        lock (_gate)
        {
            _verdicts.Write(bytes);
            _verdicts.Flush(flushToDisk: true);
            foreach (var v in verdicts) Saved[(v.First, v.Second, v.Prompt, v.Sample)] = v.P;
        }
    }

    public void Dispose() => _verdicts.Dispose();

    private string CompletionsPath(string player)
    {
        var safe = string.Concat(player.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
        return Path.Combine(Directory, "completions", safe + ".jsonl");
    }

    private static int Int(JsonLines.Record record, string path, string field) =>
        record.Value.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) && i >= 0
            ? i
            : throw new DataFormatException(path, record.Line, $"field \"{field}\" must be a non-negative integer");

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
        if (end != stream.Length) stream.SetLength(end);
    }
}
