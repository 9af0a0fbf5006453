using System.Text.Json;
using static Rebel.Cli.Tests.ModelCommandFixture;

namespace Rebel.Cli.Tests;

public class EvalCommandTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Scratch();

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private string Completions(string name, Func<int, string> answer, int prompts)
    {
        var path = Path.Combine(_dir, name + ".jsonl");
        File.WriteAllLines(path, Enumerable.Range(0, prompts).Select(k => JsonSerializer.Serialize(new { prompt = $"the cat {k}", completion = answer(k) })));
        return path;
    }

    private string Prompts(int count)
    {
        var path = Path.Combine(_dir, "prompts.jsonl");
        File.WriteAllLines(path, Enumerable.Range(0, count).Select(k => JsonSerializer.Serialize(new { prompt = $"the cat {k}" })));
        return path;
    }

    [Test]
    public void Eval_CompletionFiles_LengthJudge_WritesEvalJsonVerdictsAndSummary()
    {
        // length(4): 4 words is best. Policy answers 4 words on prompts 0-5, 1 word on 6-7; the reference always 2 words,
        // except 4 words on prompts 4-5 (ties).
        var policy = Completions("policy", k => k < 6 ? "the cat sat down" : "cat", 8);
        var reference = Completions("reference", k => k is 4 or 5 ? "a dog ran off" : "a dog", 8);
        var output = Path.Combine(_dir, "out");

        var (code, stdout, error) = Run("eval", "--policy", policy, "--reference", reference, "--prompts", Prompts(8), "--judge", "length(4)", "--out", output, "--seed", "5");

        Assert.That(code, Is.Zero, error);
        Assert.That(stdout, Does.Contain("policy vs reference: win rate 0.625").And.Contain("4 wins, 2 ties, 2 losses over 8 prompts × 1 samples"));
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "eval.json")));
        var root = doc.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("win_rate").GetDouble(), Is.EqualTo(0.625));
            Assert.That((root.GetProperty("wins").GetInt32(), root.GetProperty("ties").GetInt32(), root.GetProperty("losses").GetInt32()), Is.EqualTo((4, 2, 2)));
            Assert.That(root.GetProperty("interval").GetArrayLength(), Is.EqualTo(2));
            Assert.That(root.GetProperty("interval")[0].GetDouble(), Is.LessThan(0.625));
            Assert.That(root.GetProperty("standard_error").GetDouble(), Is.GreaterThan(0));
            Assert.That(root.GetProperty("lc_win_rate").ValueKind, Is.EqualTo(JsonValueKind.Number).Or.EqualTo(JsonValueKind.Null));
            Assert.That(root.TryGetProperty("lc_interval", out _), Is.True);
            Assert.That(root.GetProperty("length_model").GetProperty("length_scale").GetDouble(), Is.GreaterThan(0));
            Assert.That(root.GetProperty("judge").GetString(), Is.EqualTo("length(4)"));
            Assert.That(root.GetProperty("policy").GetString(), Is.EqualTo("policy"));
            Assert.That(root.GetProperty("count").GetInt32(), Is.EqualTo(8));
        });
        var lines = File.ReadAllLines(Path.Combine(output, "verdicts.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.That(lines, Has.Length.EqualTo(8));
        Assert.That(lines[6].GetProperty("prompt").GetString(), Is.EqualTo("the cat 6"));
        Assert.That(lines[6].GetProperty("completion").GetString(), Is.EqualTo("cat"));
        Assert.That(lines[6].GetProperty("reference_completion").GetString(), Is.EqualTo("a dog"));
        Assert.That(lines[6].GetProperty("p").GetDouble(), Is.EqualTo(0));
        Assert.That(lines[4].GetProperty("p").GetDouble(), Is.EqualTo(0.5));
    }

    [Test]
    public void Eval_ModelDirectoryAgainstCheckpoint_SampledSeededAndReproducible()
    {
        var checkpoint = Path.Combine(_dir, "iter-3");
        Directory.CreateDirectory(Path.Combine(checkpoint, "model"));
        foreach (var file in Directory.GetFiles(ModelDirectory)) File.Copy(file, Path.Combine(checkpoint, "model", Path.GetFileName(file)));
        string[] Args(string output) => ["eval", "--policy", ModelDirectory, "--reference", checkpoint, "--prompts", Prompts(3), "--judge", "length(3)",
            "--out", output, "--samples", "2", "--max-new-tokens", "6", "--seed", "9"];

        var first = Run(Args(Path.Combine(_dir, "a")));
        var second = Run(Args(Path.Combine(_dir, "b")));

        Assert.That(first.Code, Is.Zero, first.Error);
        Assert.That(second.Code, Is.Zero, second.Error);
        var verdicts = File.ReadAllText(Path.Combine(_dir, "a", "verdicts.jsonl"));
        Assert.That(File.ReadAllText(Path.Combine(_dir, "b", "verdicts.jsonl")), Is.EqualTo(verdicts));
        var lines = verdicts.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.That(lines, Has.Length.EqualTo(6));
        Assert.That(lines.Count(l => l.GetProperty("completion").GetString() != l.GetProperty("reference_completion").GetString()), Is.GreaterThan(0),
            "the same weights, sampled from different streams");
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "a", "eval.json")));
        Assert.That(doc.RootElement.GetProperty("reference").GetString(), Is.EqualTo("iter-3"));
        Assert.That(doc.RootElement.GetProperty("samples").GetInt32(), Is.EqualTo(2));
    }

    [Test]
    public void Eval_BadInput_ClearErrorExitOne()
    {
        var prompts = Prompts(3);
        var good = Completions("good", _ => "the cat", 3);
        var (code, _, error) = Run("eval", "--policy", Path.Combine(_dir, "absent.jsonl"), "--reference", good, "--prompts", prompts, "--judge", "length", "--out", Path.Combine(_dir, "o1"));
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("absent.jsonl").And.Contain("no such file"));

        var partial = Completions("partial", _ => "a dog", 2);
        (code, _, error) = Run("eval", "--policy", good, "--reference", partial, "--prompts", prompts, "--judge", "length", "--out", Path.Combine(_dir, "o2"));
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("player partial").And.Contain("prompt 2"));

        (code, _, error) = Run("eval", "--policy", good, "--reference", good, "--prompts", prompts, "--judge", "no-such-judge", "--out", Path.Combine(_dir, "o3"));
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("no-such-judge"));

        (code, _, error) = Run("eval", "--policy", good, "--reference", good, "--prompts", prompts, "--judge", "length", "--out", Path.Combine(_dir, "o4"), "--samples", "0");
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("samples: at least 1 sample").And.Not.Contain("(Parameter"));
        Assert.That(Directory.Exists(Path.Combine(_dir, "o4")), Is.False);
    }

    private string[] EvalArgs(string output, params string[] extra)
    {
        var policy = Completions("policy", k => k % 3 == 0 ? "the cat sat down" : k % 3 == 1 ? "cat" : "the cat sat", 8);
        var reference = Completions("reference", k => k % 2 == 0 ? "a dog" : "a dog ran off", 8);
        return ["eval", "--policy", policy, "--reference", reference, "--prompts", Prompts(8), "--judge", "length(4)", "--out", output, "--seed", "5", .. extra];
    }

    private static string Files(string output) =>
        File.ReadAllText(Path.Combine(output, "eval.json")) + File.ReadAllText(Path.Combine(output, "verdicts.jsonl"));

    [Test]
    public void Eval_KilledMidwayThenRerun_ResumesToIdenticalFiles()
    {
        var whole = Path.Combine(_dir, "whole");
        var output = Path.Combine(_dir, "out");
        Assert.That(Run(EvalArgs(whole)).Code, Is.Zero);
        Assert.That(Run(EvalArgs(output)).Code, Is.Zero);
        Assert.That(File.Exists(Path.Combine(output, "run.json")), Is.True);
        Assert.That(File.Exists(Path.Combine(output, "completions", "policy.jsonl")), Is.True);
        // what a kill after three verdicts, in the middle of writing the fourth, leaves behind
        var verdicts = Path.Combine(output, "verdicts.jsonl");
        var lines = File.ReadAllLines(verdicts);
        File.WriteAllText(verdicts, string.Join("\n", lines.Take(3)) + "\n" + lines[3][..30]);
        File.Delete(Path.Combine(output, "eval.json"));

        var (code, stdout, error) = Run(EvalArgs(output));

        Assert.That(code, Is.Zero, error);
        Assert.That(stdout, Does.Contain($"resumed {output}: 3 of 8 verdicts were saved, 5 judged now"));
        Assert.That(Files(output), Is.EqualTo(Files(whole)), "eval.json and verdicts.jsonl byte for byte");
    }

    [Test]
    public void Eval_FinishedRunRerun_ReReportsTheSavedVerdictsWithoutJudging()
    {
        var output = Path.Combine(_dir, "out");
        Assert.That(Run(EvalArgs(output)).Code, Is.Zero);
        using var before = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "eval.json")));
        // flip one saved verdict: a rerun that judged again would restore it, a resumed one reports it
        var verdicts = Path.Combine(output, "verdicts.jsonl");
        var lines = File.ReadAllLines(verdicts);
        int loss = Array.FindIndex(lines, l => l.EndsWith("\"p\":0}"));
        lines[loss] = lines[loss].Replace("\"p\":0}", "\"p\":1}");
        File.WriteAllLines(verdicts, lines);

        var (code, stdout, error) = Run(EvalArgs(output));

        Assert.That(code, Is.Zero, error);
        Assert.That(stdout, Does.Contain("8 of 8 verdicts were saved, 0 judged now"));
        using var after = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "eval.json")));
        Assert.That(after.RootElement.GetProperty("wins").GetInt32(), Is.EqualTo(before.RootElement.GetProperty("wins").GetInt32() + 1));
        Assert.That(after.RootElement.GetProperty("win_rate").GetDouble(), Is.EqualTo(before.RootElement.GetProperty("win_rate").GetDouble() + 1.0 / 8).Within(1e-12));
    }

    [Test]
    public void Eval_OtherSettingsOnSavedRun_ErrorNamesTheFieldAndOverwriteStartsAfresh()
    {
        var output = Path.Combine(_dir, "out");
        Assert.That(Run(EvalArgs(output)).Code, Is.Zero);
        var args = EvalArgs(output);
        args[Array.IndexOf(args, "5")] = "6";

        var (code, _, error) = Run(args);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("seed = 5, not 6").And.Contain("--out").And.Contain("--overwrite"));

        (code, var stdout, error) = Run([.. args, "--overwrite"]);
        Assert.That(code, Is.Zero, error);
        Assert.That(stdout, Does.Not.Contain("resumed"));
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "eval.json")));
        Assert.That(doc.RootElement.GetProperty("seed").GetInt32(), Is.EqualTo(6));
        Assert.That(File.ReadAllText(Path.Combine(output, "run.json")), Does.Contain("\"seed\": 6"));
    }

    [Test]
    public void Eval_MalformedSavedVerdictLine_ErrorNamesFileAndLine()
    {
        var output = Path.Combine(_dir, "out");
        Assert.That(Run(EvalArgs(output)).Code, Is.Zero);
        var verdicts = Path.Combine(output, "verdicts.jsonl");
        var lines = File.ReadAllLines(verdicts);
        lines[2] = "{\"prompt_index\": 2, \"sample\": 0";
        File.WriteAllLines(verdicts, lines);

        var (code, _, error) = Run(EvalArgs(output));

        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.StartWith($"{verdicts}:3:"));
    }

    [Test]
    public async Task Eval_Cancelled_Exit130SayingHowToResume()
    {
        var output = Path.Combine(_dir, "out");
        var args = EvalArgs(output);
        string Arg(string name) => args[Array.IndexOf(args, name) + 1];
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var (stdout, error) = (new StringWriter(), new StringWriter());

        int code = await Rebel.Cli.Commands.EvalCommand.RunAsync(Arg("--policy"), Arg("--reference"), Arg("--prompts"), Arg("--judge"), output,
            new Rebel.SelfPlay.Evaluation.WinRateOptions { Seed = 5 }, overwrite: false, stdout, error, cancelled.Token);

        Assert.That(code, Is.EqualTo(130));
        Assert.That(error.ToString(), Does.Contain("cancelled").And.Contain("verdicts.jsonl").And.Contain("rerun the same command to resume"));
        Assert.That(File.Exists(Path.Combine(output, "eval.json")), Is.False);
        Assert.That(Run(EvalArgs(output)).Code, Is.Zero, "the cancelled run resumes");
    }
}
