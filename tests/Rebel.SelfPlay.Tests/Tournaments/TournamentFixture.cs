using Rebel.Judges;
using Rebel.Preference;

namespace Rebel.SelfPlay.Tests.Tournaments;

/// <summary>Temporary directories, completion files and a counting function judge for tournament tests.</summary>
internal sealed class TournamentFixture : IDisposable
{
    public TournamentFixture()
    {
        Directory = Path.Combine(Path.GetTempPath(), "rebel-tournament-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    public string Out => Path.Combine(Directory, "out");

    public static string[] Prompts(int count) => Enumerable.Range(0, count).Select(k => $"prompt {k}").ToArray();

    /// <summary>A completion file answering every prompt with <paramref name="answer"/>(k).</summary>
    public string CompletionFile(string name, IReadOnlyList<string> prompts, Func<int, string> answer)
    {
        var path = Path.Combine(Directory, name + ".jsonl");
        File.WriteAllLines(path, prompts.Select((p, k) => System.Text.Json.JsonSerializer.Serialize(new { prompt = p, completion = answer(k) })));
        return path;
    }

    /// <summary>A completion file answering every prompt k with <paramref name="answer"/>(k, s) for s &lt; samples (one line each).</summary>
    public string CompletionFile(string name, IReadOnlyList<string> prompts, int samples, Func<int, int, string> answer)
    {
        var path = Path.Combine(Directory, name + ".jsonl");
        File.WriteAllLines(path, prompts.SelectMany((p, k) => Enumerable.Range(0, samples)
            .Select(s => System.Text.Json.JsonSerializer.Serialize(new { prompt = p, completion = answer(k, s) }))));
        return path;
    }

    /// <summary>Rock-paper-scissors on the first word of a completion: rock ≻ scissors ≻ paper ≻ rock.</summary>
    public static double RockPaperScissors(Comparison c)
    {
        static int Move(string text) => text.Split(' ')[0] switch { "rock" => 0, "paper" => 1, "scissors" => 2, var m => throw new ArgumentException(m) };
        int a = Move(c.A), b = Move(c.B);
        return a == b ? 0.5 : (a - b + 3) % 3 == 1 ? 1.0 : 0.0; // paper(1) beats rock(0), scissors(2) beats paper(1), rock beats scissors
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}

/// <summary>A batch function judge that records every comparison it judges.</summary>
internal sealed class CountingJudge(Func<Comparison, double> p, Action<int>? afterCall = null, string id = "counting")
{
    private readonly object _gate = new();
    public List<Comparison> Judged { get; } = [];
    public int Calls { get; private set; }

    public FunctionJudge Judge => new(id, (batch, _) =>
    {
        int call;
        lock (_gate)
        {
            Judged.AddRange(batch);
            call = ++Calls;
        }
        afterCall?.Invoke(call);
        return Task.FromResult<IReadOnlyList<double>>(batch.Select(p).ToArray());
    });
}
