using Rebel.Models.Generation;
using Rebel.Models.Gpt2;
using Rebel.Models.Llama;
using Rebel.Models.Tests.Llama;
using Rebel.Tensors;

namespace Rebel.Models.Tests.Generation;

public class HiddenStatesTests
{
    private static readonly Lazy<Gpt2Model> Model = new(() => Gpt2Checkpoint.Load(Fixtures.TinyModel));

    /// <summary>The GPT-2 fixture, or a Llama-family PyTorch-reference fixture (GQA, llama3 rope scaling / q/k norm, shards).</summary>
    private static ICausalLanguageModel Load(string name) =>
        name == "gpt2" ? Model.Value : LlamaCheckpoint.Load(LlamaFixture.Load(name).ModelDir);

    // Lengths around the block-attention threshold and across a chunk boundary (33 sequences > ChunkSize).
    private static int[][] Sequences(int vocabulary) => Enumerable.Range(0, HiddenStates.ChunkSize + 1)
        .Select(i => Enumerable.Range(0, 1 + (i * 7) % 30).Select(t => (i * 13 + t * 5) % Math.Min(101, vocabulary)).ToArray()).ToArray();

    [TestCase("gpt2")]
    [TestCase("llama-gqa-llama3")]
    [TestCase("qwen3-sharded")]
    public void LastAndMean_EqualTheAutogradForwardOfEachSequenceAlone(string name)
    {
        var model = Load(name);
        int c = model.HiddenSize;
        var sequences = Sequences(model.VocabSize);
        var last = HiddenStates.Last(model, sequences);
        var mean = HiddenStates.Mean(model, sequences);
        double worst = 0;
        for (int i = 0; i < sequences.Length; i++)
        {
            var ids = sequences[i];
            float[] h;
            using (Tensor.NoGrad()) h = model.Hidden(ids, 1, ids.Length).ToArray();   // (1, T, C)
            for (int e = 0; e < c; e++)
            {
                double expectedMean = Enumerable.Range(0, ids.Length).Average(t => (double)h[t * c + e]);
                worst = Math.Max(worst, Math.Abs(last[i * c + e] - h[(ids.Length - 1) * c + e]));
                worst = Math.Max(worst, Math.Abs(mean[i * c + e] - expectedMean));
            }
        }
        Assert.That(worst, Is.LessThan(1e-4));
    }

    [Test]
    public void Last_BadSequences_Throw()
    {
        var model = Model.Value;
        Assert.That(() => HiddenStates.Last(model, [[1, 2], []]), Throws.ArgumentException.With.Message.Contains("sequence 1"));
        Assert.That(() => HiddenStates.Last(model, [[1, 500]]), Throws.ArgumentException.With.Message.Contains("500"));
        Assert.That(() => HiddenStates.Mean(model, [new int[model.Config.ContextLength + 1]]), Throws.ArgumentException.With.Message.Contains("context length"));
    }
}
