using System.Diagnostics;
using Rebel.Models.Generation;
using Rebel.Models.Gpt2;
using Rebel.Models.Scoring;
using Rebel.Tensors;

namespace Rebel.Models.Tests.Generation;

public class GeneratorTests
{
    private static readonly Lazy<Gpt2Model> Model = new(() => Gpt2Checkpoint.Load(Fixtures.TinyModel));

    [TestCase(false)]
    [TestCase(true)]
    public void CachedForward_GivesTheLogitsOfAFullForward(bool packWeights)
    {
        var model = Model.Value;
        int[] ids = [5, 17, 3, 99, 42, 8, 61, 23, 77, 1, 0, 64];
        float[] full;
        using (Tensor.NoGrad()) full = model.Forward(ids, 1, ids.Length).ToArray();
        int v = model.Config.VocabSize;
        var forward = new CachedForward(model, batch: 2, capacity: 16, packWeights);
        var logits = new float[ids.Length * v];
        // Prefill the first 5 tokens (logits of all 5), then one token at a time; a second sequence interleaves.
        forward.Forward([0, 0, 0, 0, 0, 1], [5, 17, 3, 99, 42, 9], [0, 1, 2, 3, 4], logits);
        for (int t = 5; t < ids.Length; t++)
            forward.Forward([1, 0], [t, ids[t]], [1], logits.AsSpan(t * v));
        double worst = 0;
        for (int i = 0; i < full.Length; i++) worst = Math.Max(worst, Math.Abs(full[i] - logits[i]) / Math.Max(1, Math.Abs(full[i])));
        Assert.That(worst, Is.LessThan(1e-5));
    }

    [Test]
    public void Generate_LogProbsEqualSequenceLogProbsAtTemperature()
    {
        var options = new GenerationOptions(MaxNewTokens: 10, Temperature: 0.8f, TopK: 20, TopP: 0.9f, Seed: 11);
        int[][] prompts = [[1, 2, 3], [40], [7, 8, 9, 10, 11, 12]];
        var results = new Generator(Model.Value).Generate(prompts, options);
        var pairs = prompts.Select((p, i) => new PromptCompletion(p, results[i].Ids)).ToList();
        SequenceLogProbResult scored;
        using (Tensor.NoGrad()) scored = SequenceLogProbs.Compute(Model.Value, pairs, 0.8f);
        for (int i = 0; i < prompts.Length; i++)
        {
            Assert.That(results[i].LogProbs, Is.EqualTo(scored.TokenLogProbs(i)).Within(1e-4), $"sequence {i}");
            // the truncated distribution puts at least as much mass on the drawn token
            for (int j = 0; j < results[i].Ids.Length; j++)
                Assert.That(results[i].SamplingLogProbs[j], Is.GreaterThanOrEqualTo(results[i].LogProbs[j] - 1e-5f));
        }
    }

    [Test]
    public void Generate_SameSeed_SameResult_AndIndependentOfBatchAndPadding()
    {
        var generator = new Generator(Model.Value);
        var options = new GenerationOptions(MaxNewTokens: 12, Temperature: 1f, Seed: 3, StopAtEos: false);
        int[][] prompts = [[1, 2, 3, 4], [50, 60]];
        var batched = generator.Generate(prompts, options);
        var again = generator.Generate(prompts, options);
        Assert.That(again[0].Ids, Is.EqualTo(batched[0].Ids));
        Assert.That(again[1].Ids, Is.EqualTo(batched[1].Ids));
        Assert.That(generator.Generate(prompts, options with { Seed = 4 })[0].Ids, Is.Not.EqualTo(batched[0].Ids));

        // Left padding and right padding of the same batch give the same sequences.
        int[] left = [1, 2, 3, 4, 0, 0, 50, 60];
        float[] leftMask = [1, 1, 1, 1, 0, 0, 1, 1];
        int[] right = [1, 2, 3, 4, 50, 60, 0, 0];
        float[] rightMask = [1, 1, 1, 1, 1, 1, 0, 0];
        var fromLeft = generator.Generate(left, leftMask, 2, 4, options);
        var fromRight = generator.Generate(right, rightMask, 2, 4, options);
        for (int i = 0; i < 2; i++)
        {
            Assert.That(fromLeft[i].Ids, Is.EqualTo(batched[i].Ids));
            Assert.That(fromRight[i].Ids, Is.EqualTo(batched[i].Ids));
            Assert.That(fromLeft[i].LogProbs, Is.EqualTo(batched[i].LogProbs).Within(1e-5));
        }
    }

    [Test]
    public void Generate_PaddedForwardWithMask_MatchesUnpaddedLogits()
    {
        // The training forward with a left-padded mask gives each row the logits it gets alone.
        var model = Model.Value;
        using var _ = Tensor.NoGrad();
        var alone = model.Forward([9, 8, 7], 1, 3).ToArray();
        var padded = model.Forward([0, 0, 9, 8, 7], 1, 5, [0, 0, 1, 1, 1]).ToArray();
        int v = model.Config.VocabSize;
        Assert.That(padded.AsSpan(2 * v).ToArray(), Is.EqualTo(alone).Within(1e-4));
    }

    [Test]
    public void Generate_Greedy_FollowsArgmaxAndStopsAtEos()
    {
        var model = Model.Value;
        var generator = new Generator(model);
        var greedy = generator.Generate([[4, 5, 6]], new GenerationOptions(MaxNewTokens: 8, Temperature: 0f, StopAtEos: false))[0];
        Assert.That(greedy.FinishReason, Is.EqualTo(FinishReason.MaxNewTokens));
        var sequence = new List<int> { 4, 5, 6 };
        int v = model.Config.VocabSize;
        foreach (var token in greedy.Ids)
        {
            float[] logits;
            using (Tensor.NoGrad()) logits = model.Forward([.. sequence], 1, sequence.Count).ToArray();
            var last = logits.AsSpan((sequence.Count - 1) * v, v).ToArray();
            Assert.That(token, Is.EqualTo(Array.IndexOf(last, last.Max())));
            sequence.Add(token);
        }
        Assert.That(generator.Generate([[4, 5, 6]], new GenerationOptions(MaxNewTokens: 8, TopK: 1, Seed: 9))[0].Ids.Take(3),
            Is.EqualTo(greedy.Ids.Take(3)), "top-k = 1 is greedy (until EOS)");

        int stop = greedy.Ids[3];
        var stopped = generator.Generate([[4, 5, 6]], new GenerationOptions(MaxNewTokens: 8, Temperature: 0f, EosTokenId: stop))[0];
        Assert.That(stopped.FinishReason, Is.EqualTo(FinishReason.Eos));
        Assert.That(stopped.Ids, Is.EqualTo(greedy.Ids.Take(Array.IndexOf(greedy.Ids, stop) + 1)));
    }

    [Test]
    public void Generate_FillsContext_ThenStops()
    {
        var result = new Generator(Model.Value).Generate([[1, 2, 3]], new GenerationOptions(MaxNewTokens: 100, StopAtEos: false))[0];
        Assert.That(result.FinishReason, Is.EqualTo(FinishReason.ContextFull));
        Assert.That(result.Ids, Has.Length.EqualTo(40 - 3 + 1)); // the last token is sampled but needs no position
    }

    [Test]
    public void Generate_BadInput_Throws()
    {
        var generator = new Generator(Model.Value);
        Assert.That(() => generator.Generate([[]], new GenerationOptions()), Throws.ArgumentException.With.Message.Contains("empty"));
        Assert.That(() => generator.Generate([[101]], new GenerationOptions()), Throws.ArgumentException.With.Message.Contains("101"));
        Assert.That(() => generator.Generate([[1]], new GenerationOptions(TopP: 0f)), Throws.ArgumentException.With.Message.Contains("TopP"));
        Assert.That(() => generator.Generate([[1]], new GenerationOptions(Temperature: -1f)), Throws.ArgumentException.With.Message.Contains("Temperature"));
        Assert.That(() => generator.Generate([[1]], new GenerationOptions(MaxNewTokens: 0)), Throws.ArgumentException.With.Message.Contains("MaxNewTokens"));
        Assert.That(() => generator.Generate([1, 2, 3], [1, 1], 1, 3, new GenerationOptions()), Throws.ArgumentException);
    }

    [Test]
    public void Generate_StopIdsPerPrompt_EndEachSequenceOnItsOwnIds()
    {
        var options = new GenerationOptions(MaxNewTokens: 8, Temperature: 0f);
        int[][] prompts = [[1, 2, 3], [1, 2, 3]];
        var free = new Generator(Model.Value).Generate(prompts, options with { StopAtEos = false });
        int third = free[0].Ids[2];
        int firstAt = Array.IndexOf(free[0].Ids, third);
        var stopped = new Generator(Model.Value).Generate(prompts, options, stopIds: [[third], []]);
        Assert.That(stopped[0].Ids, Is.EqualTo(free[0].Ids[..(firstAt + 1)]), "the first sequence ends at its stop id, which is kept");
        Assert.That(stopped[0].EndedWithEos, Is.True);
        Assert.That(stopped[1].Ids, Is.EqualTo(free[1].Ids), "the second has no stop ids");
        Assert.Throws<ArgumentException>(() => new Generator(Model.Value).Generate(prompts, options, stopIds: [[third]]));
    }
}
