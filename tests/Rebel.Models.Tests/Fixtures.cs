using System.Text.Json;
using Rebel.Models.Scoring;

namespace Rebel.Models.Tests;

/// <summary>Paths and readers for the committed fixtures made by tools/make_logprob_fixtures.py.</summary>
internal static class Fixtures
{
    public static string Root => Path.Combine(TestContext.CurrentContext.TestDirectory, "fixtures");

    public static string TinyModel => Path.Combine(Root, "gpt2-tiny");

    public static string LogProbs => Path.Combine(Root, "logprobs");

    public static string Expected(float temperature) =>
        Path.Combine(LogProbs, temperature == 1f ? "expected_t1_0.jsonl" : $"expected_t{temperature.ToString("0.0#").Replace('.', '_')}.jsonl");

    public sealed record ExpectedLine(int[] PromptIds, int[] CompletionIds, double LogProb, double[] TokenLogProbs);

    public static List<ExpectedLine> ReadExpected(string path) =>
        File.ReadLines(path).Where(l => l.Length > 0).Select(l =>
        {
            using var doc = JsonDocument.Parse(l);
            var r = doc.RootElement;
            return new ExpectedLine(
                r.GetProperty("prompt_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
                r.GetProperty("completion_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
                r.GetProperty("logprob").GetDouble(),
                r.GetProperty("token_logprobs").EnumerateArray().Select(e => e.GetDouble()).ToArray());
        }).ToList();

    public static List<PromptCompletion> Pairs(IEnumerable<ExpectedLine> lines) =>
        lines.Select(l => new PromptCompletion(l.PromptIds, l.CompletionIds)).ToList();

    /// <summary>A scratch directory under the test output folder, emptied first.</summary>
    public static string Scratch(string name)
    {
        var dir = Path.Combine(TestContext.CurrentContext.WorkDirectory, "scratch", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }
}
