using System.Text.Json;
using static Rebel.Benchmarks.Tests.BenchRunner;

namespace Rebel.Benchmarks.Tests;

public class JudgeBenchTests
{
    [TestCase("gpt2", "gpm")]
    [TestCase("features", "bt")]
    public void Judge_TinyModel_PrintsBothWorkloadsWithConsistentCounts(string encoder, string kind)
    {
        var (code, output, error) = Run("judge", "--encoder", encoder, "--kind", kind, "--width", "16", "--layers", "1", "--heads", "2",
            "--prompt-tokens", "4", "--completion-tokens", "8", "--pairs", "6", "--k", "3", "--reps", "1");
        Assert.That(code, Is.EqualTo(0), error);
        var rows = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.That(rows.Select(r => r.GetProperty("workload").GetString()), Is.EqualTo(new[] { "distinct", "3-way" }));
        // distinct: 6 pairs, 12 completions; 3-way: 2 prompts × 3 completions, all 3 pairs of each
        Assert.That(rows.Select(r => r.GetProperty("pairs").GetInt32()), Is.EqualTo(new[] { 6, 6 }));
        Assert.That(rows.Select(r => r.GetProperty("completions").GetInt32()), Is.EqualTo(new[] { 12, 6 }));
        foreach (var r in rows)
        {
            Assert.That(r.GetProperty("completion_tokens").GetDouble(), Is.EqualTo(8).Within(0.5)); // texts of the asked length
            Assert.That(r.GetProperty("pairs_per_s").GetDouble(),
                Is.EqualTo(r.GetProperty("pairs").GetInt32() / r.GetProperty("median_s").GetDouble()).Within(1).Percent);
        }
    }

    [Test]
    public void Judge_OnnxFolder_TimesTheExportedJudge()
    {
        var folder = Path.Combine(TestContext.CurrentContext.TestDirectory, "fixtures", "onnx", "reward");
        var (code, output, error) = Run("judge", "--onnx", folder, "--prompt-tokens", "4", "--completion-tokens", "8",
            "--pairs", "6", "--k", "3", "--reps", "1");
        Assert.That(code, Is.EqualTo(0), error);
        var rows = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.That(rows.Select(r => (r.GetProperty("encoder").GetString(), r.GetProperty("kind").GetString())),
            Is.EqualTo(new[] { ("onnx", "reward"), ("onnx", "reward") }));
        Assert.That(rows.Select(r => r.GetProperty("pairs").GetInt32()), Is.EqualTo(new[] { 6, 6 }));
        Assert.That(rows.All(r => r.GetProperty("pairs_per_s").GetDouble() > 0));

        (code, _, error) = Run("judge", "--onnx", Path.Combine(folder, "missing"));
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain("--onnx"));
    }

    [TestCase("--encoder", "lstm")]
    [TestCase("--kind", "elo")]
    [TestCase("--k", "1")]
    [TestCase("--pairs", "0")]
    public void Judge_BadOptions_ExitTwoWithAMessage(string option, string value)
    {
        var (code, _, error) = Run("judge", option, value);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain(option));
    }
}
