using System.Text.Json;
using Rebel.Models.Generation;
using Rebel.Tensors;

namespace Rebel.Models.Tests.Gguf;

/// <summary>
/// Rebel's Llama forward against llama.cpp, a third implementation: the fixture checkpoint exported to GGUF by
/// tools/gguf/make_gguf_fixture.py (q/k rows permuted for llama.cpp's rotary pairs) and run by
/// tools/gguf/run-llama-cpp.mjs (node-llama-cpp 3.21.1, CPU, F32).
/// </summary>
public class LlamaCppParityTests
{
    private static string Root => Path.Combine(Fixtures.Root, "gguf");

    private static JsonElement Expected()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "llama-cpp.json")));
        return doc.RootElement.Clone();
    }

    private static int[] Ints(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt32()).ToArray();

    [Test]
    public void LogProbs_MatchLlamaCpp()
    {
        var model = ModelFolder.Load(Path.Combine(Root, "llama-tiny"));
        double worst = 0;
        foreach (var sequence in Expected().GetProperty("logits").EnumerateArray())
        {
            var ids = Ints(sequence.GetProperty("ids"));
            float[] logProbs;
            using (Tensor.NoGrad()) logProbs = model.Forward(ids, 1, ids.Length).LogSoftmax(-1).ToArray();   // (T, V)
            int v = model.VocabSize, t = 0;
            foreach (var row in sequence.GetProperty("logprobs").EnumerateArray())
            {
                var want = row.EnumerateArray().Select(x => x.GetDouble()).ToArray();
                Assert.That(want, Has.Length.EqualTo(v));
                for (int j = 0; j < v; j++) worst = Math.Max(worst, Math.Abs(logProbs[t * v + j] - want[j]));
                t++;
            }
            Assert.That(t, Is.EqualTo(ids.Length));
        }
        TestContext.Out.WriteLine($"worst log-prob difference against llama.cpp: {worst:E2}");
        Assert.That(worst, Is.LessThanOrEqualTo(1e-4));
    }

    [Test]
    public void Greedy_MatchesLlamaCpp()
    {
        var model = ModelFolder.Load(Path.Combine(Root, "llama-tiny"));
        var cases = Expected().GetProperty("greedy").EnumerateArray().Select(g => (Prompt: Ints(g.GetProperty("prompt_ids")), Ids: Ints(g.GetProperty("greedy_ids")))).ToList();
        var generated = new Generator(model).Generate(cases.Select(c => c.Prompt).ToList(),
            new GenerationOptions(MaxNewTokens: cases[0].Ids.Length, Temperature: 0f, StopAtEos: false));
        for (int i = 0; i < cases.Count; i++) Assert.That(generated[i].Ids, Is.EqualTo(cases[i].Ids), $"prompt {i}");
    }
}
