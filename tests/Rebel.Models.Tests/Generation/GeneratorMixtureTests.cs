using Rebel.Models.Generation;
using Rebel.Models.Gpt2;
using Rebel.Tensors;

namespace Rebel.Models.Tests.Generation;

/// <summary>Sampling from the token-level geometric mixture π^(1−w)·π_other^w (Nash-MD's opponent).</summary>
public class GeneratorMixtureTests
{
    private static readonly Lazy<Gpt2Model> Policy = new(() => Gpt2Checkpoint.Load(Fixtures.TinyModel));
    private static readonly Lazy<Gpt2Model> Other = new(() => new Gpt2Model(Policy.Value.Config, seed: 5));
    private static readonly int[][] Prompts = [[1, 2, 3], [40], [7, 8, 9, 10]];

    [TestCase(0.0)]
    [TestCase(1.0)]
    public void WeightAtAnEnd_SamplesThatModel(double weight)
    {
        var options = new GenerationOptions(MaxNewTokens: 12, Temperature: 0.9f, Seed: 21, StopAtEos: false);
        var mixed = new Generator(Policy.Value).GenerateMixture(Prompts, Other.Value, weight, options);
        var alone = new Generator(weight == 0 ? Policy.Value : Other.Value).Generate(Prompts, options);
        for (int i = 0; i < Prompts.Length; i++)
        {
            Assert.That(mixed[i].Ids, Is.EqualTo(alone[i].Ids), $"sequence {i}");
            Assert.That(mixed[i].LogProbs, Is.EqualTo(alone[i].LogProbs).Within(1e-4), $"sequence {i}");
        }
    }

    [Test]
    public void LogProbs_AreTheNormalizedGeometricMixtureOfBothModels()
    {
        const double w = 0.3;
        const float tau = 0.8f;
        var options = new GenerationOptions(MaxNewTokens: 10, Temperature: tau, Seed: 3, StopAtEos: false);
        var mixed = new Generator(Policy.Value).GenerateMixture(Prompts, Other.Value, w, options);
        int v = Policy.Value.Config.VocabSize;
        for (int i = 0; i < Prompts.Length; i++)
        {
            int[] sequence = [.. Prompts[i], .. mixed[i].Ids];
            float[] mine, theirs;
            using (Tensor.NoGrad())
            {
                mine = Policy.Value.Forward(sequence, 1, sequence.Length).ToArray();
                theirs = Other.Value.Forward(sequence, 1, sequence.Length).ToArray();
            }
            for (int k = 0; k < mixed[i].Ids.Length; k++)
            {
                int row = Prompts[i].Length - 1 + k;
                var a = LogSoftmax(mine.AsSpan(row * v, v), tau);
                var b = LogSoftmax(theirs.AsSpan(row * v, v), tau);
                var q = a.Zip(b, (x, y) => (1 - w) * x + w * y).ToArray();
                double lse = LogSumExp(q);
                Assert.That(mixed[i].LogProbs[k], Is.EqualTo(q[mixed[i].Ids[k]] - lse).Within(2e-4), $"sequence {i}, token {k}");
            }
        }
        var policyOnly = new Generator(Policy.Value).Generate(Prompts, options);
        Assert.That(mixed.Select(s => s.Ids), Is.Not.EqualTo(policyOnly.Select(s => s.Ids)), "the mixture is not the policy");
    }

    [Test]
    public void BadMixtures_Throw()
    {
        var generator = new Generator(Policy.Value);
        var options = new GenerationOptions(MaxNewTokens: 4);
        Assert.That(() => generator.GenerateMixture(Prompts, Other.Value, 1.5, options), Throws.ArgumentException.With.Message.Contains("[0, 1]"));
        Assert.That(() => generator.GenerateMixture(Prompts, Other.Value, 0.5, options with { Temperature = 0f }), Throws.ArgumentException.With.Message.Contains("temperature"));
        var otherVocab = new Gpt2Model(Policy.Value.Config with { VocabSize = Policy.Value.Config.VocabSize + 1 }, seed: 1);
        Assert.That(() => generator.GenerateMixture(Prompts, otherVocab, 0.5, options), Throws.ArgumentException.With.Message.Contains("vocabularies"));
    }

    private static double[] LogSoftmax(ReadOnlySpan<float> z, float tau)
    {
        var x = new double[z.Length];
        for (int j = 0; j < x.Length; j++) x[j] = z[j] / (double)tau;
        double lse = LogSumExp(x);
        for (int j = 0; j < x.Length; j++) x[j] -= lse;
        return x;
    }

    private static double LogSumExp(double[] x)
    {
        double max = x.Max();
        return max + Math.Log(x.Sum(v => Math.Exp(v - max)));
    }
}
