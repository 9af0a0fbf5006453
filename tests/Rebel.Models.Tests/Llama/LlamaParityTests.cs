using Rebel.Models.Generation;
using Rebel.Models.Llama;
using Rebel.Models.Scoring;
using Rebel.Tensors;

namespace Rebel.Models.Tests.Llama;

/// <summary>Our Llama-family forward passes against the independent float64 PyTorch reference of tools/llama-reference.</summary>
public class LlamaParityTests
{
    private static IEnumerable<string> Cases => LlamaFixture.Cases;

    [TestCaseSource(nameof(Cases))]
    public void SequenceLogProbs_MatchReferenceWithin1e4PerToken(string name)
    {
        var fixture = LlamaFixture.Load(name);
        var model = ModelFolder.Load(fixture.ModelDir);
        Assert.That(model, Is.InstanceOf<LlamaModel>());
        var pairs = fixture.Pairs.Select(p => new PromptCompletion(p.PromptIds, p.CompletionIds)).ToList();
        using var _ = Tensor.NoGrad();
        var result = SequenceLogProbs.Compute(model, pairs);
        double worst = 0;
        for (int i = 0; i < pairs.Count; i++)
        {
            var tokens = result.TokenLogProbs(i);
            Assert.That(tokens, Has.Length.EqualTo(fixture.Pairs[i].TokenLogProbs.Length), $"pair {i}");
            for (int j = 0; j < tokens.Length; j++) worst = Math.Max(worst, Math.Abs(tokens[j] - fixture.Pairs[i].TokenLogProbs[j]));
        }
        TestContext.Out.WriteLine($"{name}: worst per-token |Δ ln p| = {worst:E2}");
        Assert.That(worst, Is.LessThanOrEqualTo(1e-4));
    }

    [TestCaseSource(nameof(Cases))]
    public void Forward_AndCachedDecoder_MatchReferenceLogits(string name)
    {
        var fixture = LlamaFixture.Load(name);
        var model = (LlamaModel)ModelFolder.Load(fixture.ModelDir);
        int t = fixture.LogitIds.Length, v = model.VocabSize;
        using var _ = Tensor.NoGrad();
        var full = model.Forward(fixture.LogitIds, 1, t).ToArray();
        // The cached path: the first half as one prefill, then one token per call.
        var decoder = model.CreateDecoder(batch: 1, capacity: t, packWeights: true);
        var cached = new float[t * v];
        int half = t / 2;
        decoder.Forward(new int[half], fixture.LogitIds.AsSpan(0, half), Enumerable.Range(0, half).ToArray(), cached.AsSpan(0, half * v));
        for (int i = half; i < t; i++) decoder.Forward([0], fixture.LogitIds.AsSpan(i, 1), [0], cached.AsSpan(i * v, v));
        double worstFull = 0, worstCached = 0;
        for (int i = 0; i < t; i++)
            for (int j = 0; j < v; j++)
            {
                double reference = fixture.Logits[i][j];
                double scale = Math.Max(1, Math.Abs(reference));
                worstFull = Math.Max(worstFull, Math.Abs(full[i * v + j] - reference) / scale);
                worstCached = Math.Max(worstCached, Math.Abs(cached[i * v + j] - reference) / scale);
            }
        TestContext.Out.WriteLine($"{name}: worst logit error full {worstFull:E2}, cached {worstCached:E2}");
        Assert.That(worstFull, Is.LessThanOrEqualTo(1e-4));
        Assert.That(worstCached, Is.LessThanOrEqualTo(1e-4));
        Assert.That(decoder.Lengths[0], Is.EqualTo(t));
    }

    [TestCaseSource(nameof(Cases))]
    public void Generate_Greedy_MatchesReferenceTokenForTokenAndStopsOnAnyEos(string name)
    {
        var fixture = LlamaFixture.Load(name);
        var model = ModelFolder.Load(fixture.ModelDir);
        Assert.That(model.EosTokenIds, Is.EqualTo(fixture.EosTokenIds));
        var prompts = fixture.Continuations.Select(c => c.PromptIds).ToList();
        var generated = new Generator(model).Generate(prompts, new GenerationOptions(MaxNewTokens: 12, Temperature: 0f));
        for (int i = 0; i < prompts.Count; i++)
        {
            var expected = fixture.Continuations[i].GreedyIds;
            Assert.That(generated[i].Ids, Is.EqualTo(expected), $"prompt {i}");
            bool endsOnEos = fixture.EosTokenIds.Contains(expected[^1]);
            Assert.That(generated[i].EndedWithEos, Is.EqualTo(endsOnEos), $"prompt {i}");
        }
    }
}
