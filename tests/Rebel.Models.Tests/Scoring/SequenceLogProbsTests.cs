using System.Text.Json;
using Rebel.Models.Gpt2;
using Rebel.Models.Scoring;
using Rebel.Tensors;

namespace Rebel.Models.Tests.Scoring;

public class SequenceLogProbsTests
{
    private static readonly Lazy<Gpt2Model> Model = new(() => Gpt2Checkpoint.Load(Fixtures.TinyModel));

    [TestCase(1f)]
    [TestCase(0.7f)]
    public void Compute_MatchesIndependentPyTorchReference(float temperature)
    {
        var expected = Fixtures.ReadExpected(Fixtures.Expected(temperature));
        SequenceLogProbResult result;
        using (Tensor.NoGrad()) result = SequenceLogProbs.Compute(Model.Value, Fixtures.Pairs(expected), temperature);
        var totals = result.Totals.ToArray();
        double worst = 0;
        for (int i = 0; i < expected.Count; i++)
        {
            var tokens = result.TokenLogProbs(i);
            Assert.That(tokens, Has.Length.EqualTo(expected[i].TokenLogProbs.Length));
            for (int j = 0; j < tokens.Length; j++) worst = Math.Max(worst, Math.Abs(tokens[j] - expected[i].TokenLogProbs[j]));
            Assert.That(totals[i], Is.EqualTo(expected[i].LogProb).Within(1e-3), $"pair {i}");
        }
        TestContext.Out.WriteLine($"worst token log-prob difference at T={temperature}: {worst:E2}");
        Assert.That(worst, Is.LessThanOrEqualTo(1e-4));
    }

    [Test]
    public void Forward_MatchesReferenceLogits()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures.LogProbs, "logits.json")));
        var ids = doc.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var want = doc.RootElement.GetProperty("logits").EnumerateArray().SelectMany(r => r.EnumerateArray().Select(e => e.GetDouble())).ToArray();
        float[] got;
        using (Tensor.NoGrad()) got = Model.Value.Forward(ids, 1, ids.Length).ToArray();
        Assert.That(got, Has.Length.EqualTo(want.Length));
        for (int i = 0; i < got.Length; i++) Assert.That(got[i], Is.EqualTo(want[i]).Within(1e-4 * Math.Max(1, Math.Abs(want[i]))), $"logit {i}");
    }

    [Test]
    public void Compute_IsDifferentiable_AndIndependentOfBatchNeighbours()
    {
        var model = new Gpt2Model(new Gpt2Config(30, 16, 16, 2, 2), seed: 5);
        var a = new PromptCompletion([1, 2, 3], [4, 5]);
        var b = new PromptCompletion([7], [8, 9, 10, 11, 12, 13]);
        var together = SequenceLogProbs.Compute(model, [a, b]);
        var alone = SequenceLogProbs.Compute(model, [a]);
        Assert.That(together.Totals.ToArray()[0], Is.EqualTo(alone.Totals.ToArray()[0]).Within(1e-5));
        Assert.That(together.TokenLogProbs(1), Has.Length.EqualTo(6));
        together.Totals.Sum().Backward();
        Assert.That(model.Wte.Weight.Grad, Is.Not.Null);
        Assert.That(model.Blocks[1].Mlp.CFc.Weight.Grad!.ToArray().Any(g => g != 0f), Is.True);
    }

    [Test]
    public void Compute_BadInput_Throws()
    {
        var model = new Gpt2Model(new Gpt2Config(30, 8, 16, 1, 2), seed: 5);
        Assert.That(() => SequenceLogProbs.Compute(model, [new PromptCompletion([], [1])]), Throws.ArgumentException.With.Message.Contains("empty prompt"));
        Assert.That(() => SequenceLogProbs.Compute(model, [new PromptCompletion([1, 2, 3, 4, 5], [1, 2, 3, 4, 5])]), Throws.ArgumentException.With.Message.Contains("context length 8"));
        Assert.That(() => SequenceLogProbs.Compute(model, [new PromptCompletion([1], [31])]), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => SequenceLogProbs.Compute(model, [new PromptCompletion([1], [2])], temperature: 0f), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
