using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rebel.Models.Data;
using Rebel.SelfPlay.Reporting;
using Rebel.SelfPlay.Resume;

namespace Rebel.SelfPlay.Tournaments;

/// <summary>
/// A tournament's saved state in its output directory, so that a killed run resumes without re-judging or
/// regenerating anything:
/// <list type="bullet">
/// <item><c>run.json</c> — the judge id, samples, seed and a hash of the prompts; a resume with other settings is refused (<see cref="RunHeader"/>);</item>
/// <item><c>completions/NAME.jsonl</c> — each player's generated texts (<see cref="SavedCompletions"/>);</item>
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

    /// <summary>Opens (or starts) the state in <paramref name="directory"/> for a run with these settings.</summary>
    public static TournamentStore Open(string directory, string judgeId, IReadOnlyList<string> prompts, int samples, ulong seed)
    {
        RunHeader.Ensure(directory, RunHeader.Settings(judgeId, samples, seed, prompts), "use another --out directory");

        var log = AppendLog.Open(Path.Combine(directory, "verdicts.jsonl"));
        var saved = new Dictionary<(string, string, int, int), double>();
        try
        {
            foreach (var record in log.Records)
            {
                var key = (record.RequireString(log.Path, "first"), record.RequireString(log.Path, "second"),
                    RecordFields.Index(record, log.Path, "prompt"), RecordFields.Index(record, log.Path, "sample"));
                saved[key] = RecordFields.Probability(record, log.Path, "p");
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
        SavedCompletions.LoadOrComplete(CompletionsPath(player.Name), player, prompts, samples, seed, wrongCount, cancellationToken);

    /// <summary>Appends a judged batch and flushes it to disk before returning (thread-safe).</summary>
    public void Append(IReadOnlyList<(string First, string Second, int Prompt, int Sample, double P)> verdicts)
    {
        _verdicts.Append(verdicts.Select(v => string.Create(CultureInfo.InvariantCulture,
            $"{{\"first\":{JsonSerializer.Serialize(v.First)},\"second\":{JsonSerializer.Serialize(v.Second)},\"prompt\":{v.Prompt},\"sample\":{v.Sample},\"p\":{v.P.ToString("R", CultureInfo.InvariantCulture)}}}")));
        lock (_gate)
            foreach (var v in verdicts) Saved[(v.First, v.Second, v.Prompt, v.Sample)] = v.P;
    }

    public void Dispose() => _verdicts.Dispose();

    private string CompletionsPath(string player) =>
        Path.Combine(Directory, "completions", SafeFileName.From(player, keepDots: true) + ".jsonl");
}
