using System.Text.Json;
using Rebel.Models.Gpt2;
using Rebel.Models.Scoring;
using Rebel.Tensors;
using static Rebel.Cli.Tests.ModelCommandFixture;

namespace Rebel.Cli.Tests;

public class LogprobsCommandTests
{
    [Test]
    public void Logprobs_IdsFixture_MatchesPyTorchReferenceTokenByToken()
    {
        var fixtures = ModelsFixtures();
        var output = Path.Combine(Scratch(), "out.jsonl");
        var (code, _, error) = Run("logprobs", "--model", Path.Combine(fixtures, "gpt2-tiny"),
            "--input", Path.Combine(fixtures, "logprobs", "input.jsonl"), "--output", output, "--temperature", "0.7", "--batch-size", "5");
        Assert.That(code, Is.EqualTo(0), error);
        var got = File.ReadAllLines(output);
        var want = File.ReadAllLines(Path.Combine(fixtures, "logprobs", "expected_t0_7.jsonl"));
        Assert.That(got, Has.Length.EqualTo(want.Length));
        for (int i = 0; i < want.Length; i++)
        {
            using var g = JsonDocument.Parse(got[i]);
            using var w = JsonDocument.Parse(want[i]);
            int[] Ids(JsonDocument d) => d.RootElement.GetProperty("completion_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            Assert.That(Ids(g), Is.EqualTo(Ids(w)));
            var gt = g.RootElement.GetProperty("token_logprobs").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            var wt = w.RootElement.GetProperty("token_logprobs").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            Assert.That(gt, Is.EqualTo(wt).Within(1e-4), $"line {i + 1}");
            Assert.That(g.RootElement.GetProperty("logprob").GetDouble(), Is.EqualTo(w.RootElement.GetProperty("logprob").GetDouble()).Within(1e-3));
        }
    }

    [Test]
    public void Logprobs_Text_AppendsEosAndKeepsFields()
    {
        var dir = Scratch();
        var input = Path.Combine(dir, "in.jsonl");
        File.WriteAllLines(input, ["{\"prompt\": \"the cat\", \"completion\": \" sat on the mat.\", \"id\": 7}", "", "{\"prompt\": \"\", \"completion\": \"a dog\"}"]);
        var output = Path.Combine(dir, "out.jsonl");
        var (code, _, error) = Run("logprobs", "--model", ModelDirectory, "--input", input, "--output", output);
        Assert.That(code, Is.EqualTo(0), error);
        var lines = File.ReadAllLines(output).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.That(lines, Has.Length.EqualTo(2));
        Assert.That(lines[0].GetProperty("id").GetInt32(), Is.EqualTo(7));

        var model = Gpt2Checkpoint.Load(ModelDirectory);
        var tokenizer = Gpt2Checkpoint.LoadTokenizer(ModelDirectory)!;
        var completion = tokenizer.Encode(" sat on the mat.").Append(tokenizer.EosId!.Value).ToArray();
        float[] want;
        using (Tensor.NoGrad()) want = SequenceLogProbs.Compute(model, [new PromptCompletion(tokenizer.Encode("the cat"), completion)]).TokenLogProbs(0);
        var got = lines[0].GetProperty("token_logprobs").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        Assert.That(got, Is.EqualTo(want).Within(1e-5));
        Assert.That(lines[0].GetProperty("logprob").GetDouble(), Is.EqualTo(want.Sum()).Within(1e-4));
    }

    [Test]
    public void Logprobs_BadLine_FailsNamingFileAndLine()
    {
        var dir = Scratch();
        var input = Path.Combine(dir, "in.jsonl");
        File.WriteAllLines(input, ["{\"prompt_ids\": [1], \"completion_ids\": [2]}", "{\"prompt_ids\": [1], \"completion_ids\": [\"x\"]}"]);
        var (code, _, error) = Run("logprobs", "--model", ModelDirectory, "--input", input, "--output", Path.Combine(dir, "o.jsonl"));
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("in.jsonl:2").And.Contain("completion_ids"));
        Assert.That(File.Exists(Path.Combine(dir, "o.jsonl")), Is.False);

        var (code2, _, error2) = Run("logprobs", "--model", Path.Combine(dir, "nope"), "--input", input, "--output", Path.Combine(dir, "o.jsonl"));
        Assert.That(code2, Is.EqualTo(1));
        Assert.That(error2, Does.Contain("not found"));
    }
}
