using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rebel.Models.Data;
using Rebel.SelfPlay.Resume;

namespace Rebel.SelfPlay.Tournaments;

/// <summary>
/// A tournament's saved state in its output directory, so that a killed run resumes without re-judging or
/// regenerating anything:
/// <list type="bullet">
/// <item><c>run.json</c> — the judge id, samples, seed and a hash of the prompts; a resume with other settings is refused
/// (<see cref="RunHeader"/>);</item>
/// <item><c>players.json</c> — each player's <see cref="ITournamentPlayer.Fingerprint"/> by name; a player whose
/// content changed under the same name is refused (<see cref="Discard"/> starts afresh);</item>
/// <item><c>completions/SAFE-NAME-HASH.jsonl</c> — each player's generated texts (<see cref="SavedCompletions"/>), under a
/// file name that no other player name maps to (<see cref="CompletionsFile"/>);</item>
/// <item><c>verdicts.jsonl</c> — append-only, one line per judged game (<c>first</c>, <c>second</c> by name,
/// <c>prompt</c>, <c>sample</c>, <c>p</c>), flushed to disk after every judge batch (<see cref="AppendLog"/>; a torn
/// last line is cut off on open).</item>
/// </list>
/// </summary>
internal sealed class TournamentStore : IDisposable
{
    private readonly AppendLog _verdicts;
    private readonly object _gate = new();

    private TournamentStore(string directory, AppendLog verdicts, Dictionary<(string, string, int, int), double> saved)
    {
        Directory = directory;
        _verdicts = verdicts;
        Saved = saved;
    }

    public string Directory { get; }

    public string VerdictsPath => _verdicts.Path;

    /// <summary>Verdicts already on disk, by (first name, second name, prompt, sample).</summary>
    public Dictionary<(string First, string Second, int Prompt, int Sample), double> Saved { get; }

    public const string PlayersFile = "players.json";

    /// <summary>Opens (or starts) the state in <paramref name="directory"/> for a run with these settings and players.</summary>
    /// <exception cref="TournamentException">The directory holds a run with other settings, or a player of the same name with
    /// other content.</exception>
    public static TournamentStore Open(string directory, string judgeId, IReadOnlyList<string> prompts, int samples, ulong seed,
        IReadOnlyList<ITournamentPlayer> players)
    {
        RunHeader.Ensure(directory, RunHeader.Settings(judgeId, samples, seed, prompts), "use another --out directory (or --overwrite to discard it)",
            message => new TournamentException(message));
        EnsurePlayers(directory, players);

        var log = AppendLog.Open(Path.Combine(directory, "verdicts.jsonl"));
        var saved = new Dictionary<(string, string, int, int), double>();
        try
        {
            foreach (var record in log.Records)
            {
                var key = (record.RequireString(log.Path, "first"), record.RequireString(log.Path, "second"),
                    record.RequireIndex(log.Path, "prompt"), record.RequireIndex(log.Path, "sample"));
                saved[key] = record.RequireProbability(log.Path, "p");
            }
        }
        catch
        {
            log.Dispose();
            throw;
        }
        return new TournamentStore(directory, log, saved);
    }

    /// <summary>A player's texts: saved ones, else its answers, saved now (<see cref="SavedCompletions.LoadOrComplete"/>).</summary>
    public string[] LoadOrComplete(ITournamentPlayer player, IReadOnlyList<string> prompts, int samples, ulong seed,
        Func<int, Exception> wrongCount, CancellationToken cancellationToken) =>
        SavedCompletions.LoadOrComplete(CompletionsPath(player.Name), player.Complete, prompts, samples, seed, wrongCount, cancellationToken);

    /// <summary>Appends a judged batch and flushes it to disk before returning (thread-safe).</summary>
    public void Append(IReadOnlyList<(string First, string Second, int Prompt, int Sample, double P)> verdicts)
    {
        _verdicts.Append(verdicts.Select(VerdictLine));
        lock (_gate)
            foreach (var v in verdicts) Saved[(v.First, v.Second, v.Prompt, v.Sample)] = v.P;
    }

    public void Dispose() => _verdicts.Dispose();

    /// <summary>One line of verdicts.jsonl: the names as JSON strings, p written to round-trip.</summary>
    private static string VerdictLine((string First, string Second, int Prompt, int Sample, double P) v)
    {
        var first = JsonSerializer.Serialize(v.First);
        var second = JsonSerializer.Serialize(v.Second);
        var p = v.P.ToString("R", CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture,
            $"{{\"first\":{first},\"second\":{second},\"prompt\":{v.Prompt},\"sample\":{v.Sample},\"p\":{p}}}");
    }

    /// <summary>
    /// <c>completions/SAFE-HASH.jsonl</c>: SAFE is the name with every character but letters, digits, '-', '_' and '.'
    /// replaced by '_', HASH the first 12 hex digits of the SHA-256 of the exact name, so names that differ only in such
    /// characters (<c>"x y"</c>, <c>"x_y"</c>) or in case get different files.
    /// </summary>
    public static string CompletionsFile(string directory, string player) =>
        Path.Combine(directory, "completions", $"{SafeFileName.From(player, keepDots: true)}-{ContentHash.OfText(player)[..12]}.jsonl");

    /// <summary>Removes the files a tournament writes in <paramref name="directory"/> (its state and reports; other files stay).</summary>
    public static void Discard(string directory)
    {
        string[] files =
            [RunHeader.FileName, PlayersFile, "verdicts.jsonl", "tournament.json", "report.md", "win_rates.svg", "ratings.svg", "lottery.svg"];
        foreach (var file in files)
            File.Delete(Path.Combine(directory, file));
        var completions = Path.Combine(directory, "completions");
        if (System.IO.Directory.Exists(completions)) System.IO.Directory.Delete(completions, recursive: true);
    }

    /// <summary>Whether the saved players.json gives one of <paramref name="players"/>' names another fingerprint.</summary>
    public static bool HoldsOtherPlayers(string directory, IReadOnlyList<ITournamentPlayer> players)
    {
        var path = Path.Combine(directory, PlayersFile);
        if (!File.Exists(path)) return false;
        var saved = RunHeader.ReadObject(path);
        return players.Any(p => saved[p.Name] is { } known && (string?)known != p.Fingerprint);
    }

    // players.json: name → fingerprint; new players are added, a known name must bring the saved fingerprint
    private static void EnsurePlayers(string directory, IReadOnlyList<ITournamentPlayer> players)
    {
        var path = Path.Combine(directory, PlayersFile);
        var saved = File.Exists(path) ? RunHeader.ReadObject(path) : new JsonObject();
        var verdicts = new FileInfo(Path.Combine(directory, "verdicts.jsonl"));
        if (!File.Exists(path) && verdicts.Exists && verdicts.Length > 0)
        {
            throw new TournamentException(
                $"{directory} holds verdicts but no {PlayersFile} (a run of an older rebel), so its players cannot be checked; "
                + "rerun with --overwrite to start afresh, or use another --out directory");
        }
        bool added = false;
        foreach (var player in players)
        {
            var fingerprint = player.Fingerprint;
            if (saved[player.Name] is { } known)
            {
                if ((string?)known != fingerprint)
                {
                    var change = $"content sha256 {ContentHash.Short((string?)known ?? "")}… → {ContentHash.Short(fingerprint)}…";
                    throw new TournamentException(
                        $"player {player.Name} changed since {directory} was played ({change}): "
                        + "its saved completions and verdicts belong to the old one; "
                        + "rerun with --overwrite to start afresh, give the changed player another name, or use another --out directory");
                }
                continue;
            }
            saved[player.Name] = fingerprint;
            added = true;
        }
        if (added) AtomicFile.WriteAllText(path, saved.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    private string CompletionsPath(string player) => CompletionsFile(Directory, player);
}
