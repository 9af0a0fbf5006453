using System.Text.Json;
using static Rebel.Cli.Tests.ModelCommandFixture;

namespace Rebel.Cli.Tests;

public class GenerateCommandTests
{
    [Test]
    public void Generate_Prompts_WritesOneLinePerSample_Reproducibly()
    {
        var dir = Scratch();
        string[] Args(string output) =>
            ["generate", "--model", ModelDirectory, "--prompt", "the cat", "--prompt", "a dog", "--samples", "3", "--max-new-tokens", "6",
             "--temperature", "0.9", "--top-k", "50", "--top-p", "0.95", "--seed", "4", "--batch-size", "4", "--output", output];
        var (code, _, error) = Run(Args(Path.Combine(dir, "a.jsonl")));
        Assert.That(code, Is.EqualTo(0), error);
        Run(Args(Path.Combine(dir, "b.jsonl")));
        var a = File.ReadAllLines(Path.Combine(dir, "a.jsonl"));
        Assert.That(a, Is.EqualTo(File.ReadAllLines(Path.Combine(dir, "b.jsonl"))));
        Assert.That(a, Has.Length.EqualTo(6));
        var first = JsonDocument.Parse(a[0]).RootElement;
        Assert.That(first.GetProperty("prompt").GetString(), Is.EqualTo("the cat"));
        int n = first.GetProperty("completion_ids").GetArrayLength();
        Assert.That(n, Is.InRange(1, 6));
        Assert.That(first.GetProperty("token_logprobs").GetArrayLength(), Is.EqualTo(n));
        Assert.That(first.GetProperty("sampling_logprobs").GetArrayLength(), Is.EqualTo(n));
        Assert.That(first.GetProperty("completion").ValueKind, Is.EqualTo(JsonValueKind.String));
        Assert.That(first.GetProperty("finish_reason").GetString(), Is.AnyOf("eos", "max_new_tokens"));
        Assert.That(a.Distinct().Count(), Is.GreaterThan(1), "samples of one prompt differ");
    }

    [Test]
    public void Generate_InputFileToStdout_Greedy()
    {
        var dir = Scratch();
        var input = Path.Combine(dir, "prompts.jsonl");
        File.WriteAllLines(input, ["{\"prompt\": \"the sun\"}", "{\"prompt_ids\": [5, 6]}"]);
        var (code, output, error) = Run("generate", "--model", ModelDirectory, "--input", input, "--temperature", "0", "--max-new-tokens", "4");
        Assert.That(code, Is.EqualTo(0), error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(2));
        Assert.That(JsonDocument.Parse(lines[1]).RootElement.GetProperty("prompt_ids").GetRawText(), Is.EqualTo("[5,6]"));
    }

    [Test]
    public void Generate_BadArguments_Fail()
    {
        var (code, _, error) = Run("generate", "--model", ModelDirectory);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("--prompt"));
        (code, _, error) = Run("generate", "--model", ModelDirectory, "--prompt", "x", "--top-p", "0");
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("TopP"));
    }
}
