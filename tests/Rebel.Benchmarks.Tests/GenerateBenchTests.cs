using System.Text.Json;
using static Rebel.Benchmarks.Tests.BenchRunner;

namespace Rebel.Benchmarks.Tests;

public class GenerateBenchTests
{
    private static readonly string[] Tiny = ["--batch", "2", "--prompt-tokens", "3", "--width", "16", "--layers", "1", "--heads", "2", "--vocab", "32", "--reps", "1"];

    [Test]
    public void Generate_TinyModel_PrintsThroughputAsJson()
    {
        var (code, output, error) = Run(["generate", "--new-tokens", "8", .. Tiny]);
        Assert.That(code, Is.EqualTo(0), error);
        var row = JsonDocument.Parse(output.Trim()).RootElement;
        Assert.That(row.GetProperty("impl").GetString(), Is.EqualTo("rebel"));
        Assert.That(row.GetProperty("mode").GetString(), Is.EqualTo("throughput"));
        double ms = row.GetProperty("median_ms").GetDouble();
        Assert.That(ms, Is.GreaterThan(0));
        // tokens/s is B · new tokens over the median time
        Assert.That(row.GetProperty("tokens_per_s").GetDouble(), Is.EqualTo(2 * 8 / (ms / 1000)).Within(1).Percent);
    }

    [Test]
    public void Generate_ContextCost_PrintsOneLinePerLength_RatioOneAtTheFirst()
    {
        var (code, output, error) = Run(["generate", "--context-cost", "--new-tokens", "160", .. Tiny]);
        Assert.That(code, Is.EqualTo(0), error);
        var rows = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.That(rows.Select(r => r.GetProperty("new_tokens").GetInt32()), Is.EqualTo(new[] { 64, 128, 160 }));
        Assert.That(rows[0].GetProperty("per_token_ratio").GetDouble(), Is.EqualTo(1.0));
        foreach (var r in rows)
        {
            Assert.That(r.GetProperty("mode").GetString(), Is.EqualTo("context"));
            Assert.That(r.GetProperty("per_token_ms").GetDouble(),
                Is.EqualTo(r.GetProperty("median_ms").GetDouble() / r.GetProperty("new_tokens").GetInt32()).Within(1).Percent);
        }
    }

    [Test]
    public void Generate_Llama_UsesSmolLm2ShapeWithTheGivenLayers()
    {
        var (code, output, error) = Run("generate", "--model-type", "llama", "--layers", "1", "--batch", "2", "--prompt-tokens", "3",
            "--new-tokens", "4", "--reps", "1");
        Assert.That(code, Is.EqualTo(0), error);
        var row = JsonDocument.Parse(output.Trim()).RootElement;
        Assert.That(row.GetProperty("model_type").GetString(), Is.EqualTo("llama"));
        Assert.That(row.GetProperty("layers").GetInt32(), Is.EqualTo(1));
        Assert.That(row.GetProperty("width").GetInt32(), Is.EqualTo(576));
        Assert.That(row.GetProperty("vocab").GetInt32(), Is.EqualTo(49152));
        double ms = row.GetProperty("median_ms").GetDouble();
        double expected = 2 * 4 / (ms / 1000);                   // printed with one decimal: a slow run (≈ 4 tokens/s) rounds by up to 0.05
        Assert.That(row.GetProperty("tokens_per_s").GetDouble(), Is.EqualTo(expected).Within(Math.Max(0.01 * expected, 0.05)));
    }

    [Test]
    public void Generate_UnknownModelType_IsAParseErrorNamingIt()
    {
        var (code, _, error) = Run("generate", "--model-type", "bert");
        Assert.That(code, Is.EqualTo(1));   // a parse error: the value is not among gpt2, llama
        Assert.That(error, Does.Contain("bert"));
    }

    [TestCase("--context-cost", "--new-tokens", "32")]
    [TestCase("--width", "30", "--heads", "4")]
    [TestCase("--reps", "0")]
    public void Generate_BadOptions_ExitTwoWithAMessage(params string[] args)
    {
        var (code, _, error) = Run(["generate", .. args]);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain("--"));
    }
}
