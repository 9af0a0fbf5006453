using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using static Rebel.Cli.Tests.ModelCommandFixture;

namespace Rebel.Cli.Tests;

/// <summary>
/// Faults a user meets: a run killed (SIGKILL, no chance to clean up) at a seeded random point and rerun, which must
/// end byte-identical to an uninterrupted run; and a config, judge or player changed between runs over the same folder,
/// which must be refused by name. The kills run the real <c>rebel</c> executable in a child process.
/// </summary>
public class FaultInjectionTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Scratch();

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    /// <summary>Starts <c>rebel ARGS</c> as a child process and kills it (with its children) as soon as
    /// <paramref name="killWhen"/> holds; returns whether it was killed before it finished.</summary>
    private static bool RunAndKill(Func<bool> killWhen, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(Path.Combine(TestContext.CurrentContext.TestDirectory, "rebel.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        while (!process.HasExited && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (killWhen())
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                return true;
            }
            Thread.Sleep(1);
        }
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.WaitForExit();
        return false;
    }

    private static int Lines(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllLines(path).Length : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private string Jsonl(string name, int count, Func<int, object> line)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllLines(path, Enumerable.Range(0, count).Select(k => JsonSerializer.Serialize(line(k))));
        return path;
    }

    private static string Bytes(string directory, params string[] files) =>
        string.Join("\n---\n", files.Select(f => File.ReadAllText(Path.Combine(directory, f))));

    [Test]
    public void Eval_WithACachedJudge_KilledAtARandomPoint_ResumesByteIdentical()
    {
        const int prompts = 3000;
        var promptsFile = Jsonl("prompts.jsonl", prompts, k => new { prompt = $"the cat {k}" });
        var policy = Jsonl("policy.jsonl", prompts, k => new { prompt = $"the cat {k}", completion = k % 3 == 0 ? "the cat sat down" : "cat" });
        var reference = Jsonl("reference.jsonl", prompts, k => new { prompt = $"the cat {k}", completion = k % 2 == 0 ? "a dog" : "a dog ran off" });
        string[] Args(string output) =>
            ["eval", "--policy", policy, "--reference", reference, "--prompts", promptsFile, "--judge", $"cache({Path.Combine(output, "cache.db")},length(4))", "--out", output, "--seed", "5"];

        var whole = Path.Combine(_dir, "whole");
        Directory.CreateDirectory(whole);                                    // cache() refuses a folder that does not exist
        var (code, _, error) = Run(Args(whole));
        Assert.That(code, Is.Zero, error);

        var output = Path.Combine(_dir, "killed");
        Directory.CreateDirectory(output);
        int killAt = new Random(11).Next(1, prompts / 4);                   // verdict lines on disk when the kill comes
        bool killed = RunAndKill(() => Lines(Path.Combine(output, "verdicts.jsonl")) >= killAt, Args(output));
        Assert.That(killed && !File.Exists(Path.Combine(output, "eval.json")), Is.True, "the kill must come before the run finished");

        (code, var stdout, error) = Run(Args(output));
        Assert.That(code, Is.Zero, error);
        Assert.That(stdout, Does.Contain("verdicts were saved"));
        Assert.That(Bytes(output, "eval.json", "verdicts.jsonl"), Is.EqualTo(Bytes(whole, "eval.json", "verdicts.jsonl").Replace(whole, output)));
    }

    [Test]
    public void Tournament_KilledAtARandomPoint_ResumesByteIdentical()
    {
        const int prompts = 1500;
        var promptsFile = Jsonl("prompts.jsonl", prompts, k => new { prompt = $"the cat {k}" });
        var players = string.Join(',', new[] { "short", "mid", "long" }.Select((name, i) =>
            Jsonl(name + ".jsonl", prompts, k => new { prompt = $"the cat {k}", completion = string.Join(' ', Enumerable.Repeat("word", 1 + (i + k) % 6)) })));
        string[] Args(string output) => ["tournament", "--players", players, "--prompts", promptsFile, "--judge", "length(4)", "--out", output, "--concurrency", "1"];

        var whole = Path.Combine(_dir, "whole");
        var (code, _, error) = Run(Args(whole));
        Assert.That(code, Is.Zero, error);

        var output = Path.Combine(_dir, "killed");
        int killAt = new Random(12).Next(1, prompts / 2);
        bool killed = RunAndKill(() => Lines(Path.Combine(output, "verdicts.jsonl")) >= killAt, Args(output));
        Assert.That(killed && !File.Exists(Path.Combine(output, "tournament.json")), Is.True, "the kill must come before the run finished");

        (code, _, error) = Run(Args(output));
        Assert.That(code, Is.Zero, error);
        Assert.That(Bytes(output, "tournament.json", "report.md"), Is.EqualTo(Bytes(whole, "tournament.json", "report.md")));
    }

    private string TrainConfig(int iterations, string judge = "vote(length(4),diversity,keywords)", string runDir = "run")
    {
        File.WriteAllLines(Path.Combine(_dir, "prompts.jsonl"), Corpus.Select(c => JsonSerializer.Serialize(new { prompt = c[..8] })));
        var config = new JsonObject
        {
            ["model"] = ModelDirectory, ["prompts"] = "prompts.jsonl", ["eval_prompts"] = "prompts.jsonl", ["judge"] = judge, ["run_dir"] = runDir,
            ["rebel"] = new JsonObject
            {
                ["iterations"] = iterations, ["prompts_per_iteration"] = 4, ["minibatch_prompts"] = 2, ["samples_per_prompt"] = 2,
                ["max_new_tokens"] = 6, ["checkpoint_interval"] = 1, ["eval_interval"] = 2, ["learning_rate"] = 1e-3, ["seed"] = 3,
            },
        };
        var path = Path.Combine(_dir, $"train-{iterations}-{runDir}-{judge.Length}.json");
        File.WriteAllText(path, config.ToJsonString());
        return path;
    }

    /// <summary>metrics.jsonl without the wall-clock keys (time/…, throughput/…), which differ between any two runs.</summary>
    private static string Metrics(string run) => string.Join("\n", File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Select(line =>
    {
        var row = JsonNode.Parse(line)!.AsObject();
        foreach (var key in row.Select(kv => kv.Key).Where(k => k.StartsWith("time/", StringComparison.Ordinal) || k.StartsWith("throughput/", StringComparison.Ordinal)).ToList()) row.Remove(key);
        return row.ToJsonString();
    }));

    [Test]
    public void Train_KilledAtARandomPoint_ResumesByteIdentical()
    {
        const int iterations = 4;
        var (code, _, error) = Run("train", "--config", TrainConfig(iterations, runDir: "whole"));
        Assert.That(code, Is.Zero, error);
        var whole = Path.Combine(_dir, "whole");
        var expected = (Model: File.ReadAllBytes(Path.Combine(whole, "checkpoints", $"iter-{iterations}", "model", "model.safetensors")),
                        Optimizer: File.ReadAllBytes(Path.Combine(whole, "checkpoints", $"iter-{iterations}", "optimizer.safetensors")), Metrics: Metrics(whole));

        var config = TrainConfig(iterations);
        var run = Path.Combine(_dir, "run");
        var final = Path.Combine(run, "checkpoints", $"iter-{iterations}");
        int killAfter = new Random(13).Next(1, iterations - 1);             // a checkpoint, then a random part of the next iteration
        var delay = Stopwatch.StartNew();
        bool seen = false;
        bool killed = RunAndKill(() =>
        {
            if (!seen && Directory.Exists(Path.Combine(run, "checkpoints", $"iter-{killAfter}"))) { seen = true; delay.Restart(); }
            return seen && delay.ElapsedMilliseconds >= 20 * killAfter;
        }, "train", "--config", config);
        Assert.That(killed && !Directory.Exists(final), Is.True, "the kill must come before the run finished");

        (code, var stdout, error) = Run("train", "--config", config, "--resume");
        Assert.That(code, Is.Zero, error);
        Assert.That(stdout, Does.Contain("resuming at iteration"));
        Assert.That(File.ReadAllBytes(Path.Combine(final, "model", "model.safetensors")), Is.EqualTo(expected.Model));
        Assert.That(File.ReadAllBytes(Path.Combine(final, "optimizer.safetensors")), Is.EqualTo(expected.Optimizer));
        Assert.That(Metrics(run), Is.EqualTo(expected.Metrics));
    }

    [Test]
    public void ChangedConfigJudgeOrPlayer_BetweenRuns_IsRefusedByName()
    {
        // train: another judge over a finished run
        var (code, _, error) = Run("train", "--config", TrainConfig(1));
        Assert.That(code, Is.Zero, error);
        (code, _, error) = Run("train", "--config", TrainConfig(1, judge: "length(4)"));
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("judge").And.Contain("--overwrite"));

        // eval: the same model: judge folder with other weights
        var promptsFile = Jsonl("eval-prompts.jsonl", 4, k => new { prompt = $"the cat {k}" });
        var a = Jsonl("a.jsonl", 4, k => new { prompt = $"the cat {k}", completion = "the cat sat down" });
        var b = Jsonl("b.jsonl", 4, k => new { prompt = $"the cat {k}", completion = "a dog" });
        var judgeDir = Path.Combine(_dir, "judge-model");
        void SaveJudge(ulong seed)
        {
            var encoder = new Rebel.Preference.Models.HashedFeatureEncoder(new() { Buckets = 32, Hidden = 4 }, new Rebel.Tensors.Rng(seed));
            new Rebel.Preference.Models.GeneralPreferenceModel(encoder, 1, 1.0, new Rebel.Tensors.Rng(seed + 1)).Save(judgeDir);
        }
        SaveJudge(1);
        string[] Eval() => ["eval", "--policy", a, "--reference", b, "--prompts", promptsFile, "--judge", $"model:{judgeDir}", "--out", Path.Combine(_dir, "eval")];
        (code, _, error) = Run(Eval());
        Assert.That(code, Is.Zero, error);
        SaveJudge(5);
        (code, _, error) = Run(Eval());
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("judge = \"model:").And.Contain("--overwrite"));

        // tournament: a player's completion file changed under the same name
        string[] Tournament() => ["tournament", "--players", $"{a},{b}", "--prompts", promptsFile, "--judge", "length(4)", "--out", Path.Combine(_dir, "tournament")];
        (code, _, error) = Run(Tournament());
        Assert.That(code, Is.Zero, error);
        Jsonl("b.jsonl", 4, k => new { prompt = $"the cat {k}", completion = "a dog ran off" });
        (code, _, error) = Run(Tournament());
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("player b changed").And.Contain("--overwrite"));
        (code, _, error) = Run([.. Tournament(), "--overwrite"]);
        Assert.That(code, Is.Zero, error);
    }
}
