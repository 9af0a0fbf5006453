using System.Text.Json;
using System.Text.Json.Nodes;
using Rebel.Models.Data;
using Rebel.SelfPlay.Resume;
using Rebel.SelfPlay.Tournaments;

namespace Rebel.SelfPlay.Evaluation;

/// <summary>
/// A win-rate evaluation's saved state in its output directory, so that a killed run resumes exactly:
/// <list type="bullet">
/// <item><c>run.json</c> — what defines the run (<see cref="RunHeader"/>): a resume with other settings is refused;</item>
/// <item><c>completions/policy.jsonl</c>, <c>completions/reference.jsonl</c> — each side's texts, saved before judging
/// (<see cref="SavedCompletions"/>);</item>
/// <item><c>verdicts.jsonl</c> — one line per judged pair (<see cref="Line"/>), appended and flushed to disk per judge
/// batch (<see cref="AppendLog"/>: a torn last line is cut off and judged again; any other bad line is an error naming
/// file and line). <see cref="WinRateReport.Write"/> rewrites it atomically in prompt-major order at the end.</item>
/// </list>
/// </summary>
internal sealed class WinRateStore : IDisposable
{
    public const string VerdictsFile = "verdicts.jsonl";
    public const string EvalFile = "eval.json";
    private static readonly string[] Sides = ["policy", "reference"];

    private readonly AppendLog _log;

    private WinRateStore(string directory, AppendLog log)
    {
        Directory = directory;
        _log = log;
    }

    public string Directory { get; }

    public string VerdictsPath => _log.Path;

    /// <summary>Opens (or starts) the state in <paramref name="directory"/> for the run <paramref name="header"/> describes.</summary>
    /// <exception cref="Tournaments.TournamentException">The directory holds a run with other settings.</exception>
    /// <exception cref="DataFormatException">A complete line of verdicts.jsonl is not a JSON object.</exception>
    public static WinRateStore Open(string directory, JsonObject header)
    {
        RunHeader.Ensure(directory, header, "use another --out directory (or --overwrite to discard it)",
            message => new TournamentException(message));
        return new WinRateStore(directory, AppendLog.Open(Path.Combine(directory, VerdictsFile)));
    }

    /// <summary>Removes the files an evaluation writes in <paramref name="directory"/> (other files stay).</summary>
    public static void Delete(string directory)
    {
        foreach (var file in new[] { RunHeader.FileName, VerdictsFile, EvalFile }.Concat(Sides.Select(CompletionsFile)))
            File.Delete(Path.Combine(directory, file));
    }

    /// <summary>A side's texts ("policy" or "reference"): saved ones, else the player's, saved now (<see cref="SavedCompletions.LoadOrComplete"/>).</summary>
    public string[] LoadOrComplete(string side, ITournamentPlayer player, IReadOnlyList<string> prompts, int samples, ulong seed,
        Func<int, Exception> wrongCount, CancellationToken cancellationToken) =>
        SavedCompletions.LoadOrComplete(CompletionsPath(side), player.Complete, prompts, samples, seed, wrongCount, cancellationToken);

    /// <summary>
    /// The verdicts found on open, by index k·n + s, each checked against the run: its prompt and sample in range, its
    /// three texts equal to the prompt and the saved completions, p ∈ [0, 1], and no pair twice.
    /// </summary>
    /// <exception cref="DataFormatException">A line breaks one of these; the message names file, line and field.</exception>
    public Dictionary<int, double> SavedVerdicts(IReadOnlyList<string> prompts, IReadOnlyList<string> completions,
        IReadOnlyList<string> referenceCompletions, int samples)
    {
        var saved = new Dictionary<int, double>();
        var lines = new Dictionary<int, int>();
        var path = _log.Path;
        foreach (var record in _log.Records)
        {
            int k = record.RequireIndex(path, "prompt_index"), s = record.RequireIndex(path, "sample");
            if (k >= prompts.Count) throw new DataFormatException(path, record.Line, $"prompt_index {k} is out of range: the run has {prompts.Count} prompts");
            if (s >= samples) throw new DataFormatException(path, record.Line, $"sample {s} is out of range: the run has {samples} samples per prompt");
            int i = k * samples + s;
            Expect(record, path, "prompt", prompts[k]);
            Expect(record, path, "completion", completions[i]);
            Expect(record, path, "reference_completion", referenceCompletions[i]);
            double p = record.RequireProbability(path, "p");
            if (lines.TryGetValue(i, out int first))
                throw new DataFormatException(path, record.Line, $"prompt {k}, sample {s} was already judged on line {first}");
            lines[i] = record.Line;
            saved[i] = p;
        }
        return saved;
    }

    /// <summary>Appends judged verdicts and flushes them to disk before returning (thread-safe).</summary>
    public void Append(IEnumerable<WinRateVerdict> verdicts) => _log.Append(verdicts.Select(Line));

    public void Dispose() => _log.Dispose();

    /// <summary>
    /// One verdicts.jsonl line: <c>prompt_index</c>, <c>sample</c>, <c>prompt</c>, <c>completion</c>,
    /// <c>reference_completion</c>, <c>p</c> (shortest round-trip form, so a reread p is the same double).
    /// </summary>
    public static string Line(WinRateVerdict v) =>
        JsonSerializer.Serialize(new VerdictLine(v.PromptIndex, v.Sample, v.Prompt, v.Completion, v.ReferenceCompletion, v.P), LineOptions);

    private static readonly JsonSerializerOptions LineOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private sealed record VerdictLine(int PromptIndex, int Sample, string Prompt, string Completion, string ReferenceCompletion, double P);

    private static string CompletionsFile(string side) => Path.Combine("completions", side + ".jsonl");

    private string CompletionsPath(string side) => Path.Combine(Directory, CompletionsFile(side));

    private static void Expect(JsonLines.Record record, string path, string field, string expected)
    {
        if (record.RequireString(path, field) != expected)
            throw new DataFormatException(path, record.Line,
                $"field \"{field}\" is not this run's text \"{Rebel.Judges.JudgeException.Excerpt(expected)}\" (the file belongs to another run)");
    }
}
