using System.Diagnostics;
using Rebel.Models.Gpt2;
using Rebel.Models.Scoring;
using Rebel.Models.Training;
using Rebel.Tensors;

namespace Rebel.Models.Tests.Training;

public class SftTrainerTests
{
    private const int Separator = 10, Eos = 11;

    /// <summary>Prompt [a, b, c, SEP] → completion [c, b, a, EOS]: a task a tiny model learns in a few dozen steps.</summary>
    private static List<PromptCompletion> ReverseTask(int count, ulong seed)
    {
        var rng = new Rng(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            int a = rng.NextInt(10), b = rng.NextInt(10), c = rng.NextInt(10);
            return new PromptCompletion([a, b, c, Separator], [c, b, a, Eos]);
        }).ToList();
    }

    [Test]
    public void Train_LowersHeldOutLoss()
    {
        var model = new Gpt2Model(new Gpt2Config(12, 16, 32, 2, 2, EosTokenId: Eos), seed: 1);
        var options = new SftOptions { Steps = 60, BatchSize = 16, LearningRate = 3e-3, WarmupSteps = 5, EvalEvery = 30, Seed = 2 };
        var watch = Stopwatch.StartNew();
        var history = new SftTrainer(model, options).Train(ReverseTask(200, 5));
        var evals = history.Where(m => m.EvalLoss is not null).Select(m => m.EvalLoss!.Value).ToList();
        TestContext.Out.WriteLine($"eval loss {string.Join(" → ", evals.Select(e => e.ToString("F3")))} in {watch.Elapsed.TotalSeconds:F1} s");
        Assert.That(history, Has.Count.EqualTo(60));
        Assert.That(evals, Has.Count.EqualTo(3));
        Assert.That(evals[^1], Is.LessThan(0.6 * evals[0]));
        Assert.That(history.All(m => double.IsFinite(m.TrainLoss) && m.GradNorm > 0), Is.True);
    }

    [Test]
    public void Train_SameSeed_SameWeights()
    {
        float[] Run()
        {
            var model = new Gpt2Model(new Gpt2Config(12, 16, 16, 1, 2), seed: 1);
            new SftTrainer(model, new SftOptions { Steps = 3, BatchSize = 4, WarmupSteps = 1, Seed = 9 }).Train(ReverseTask(20, 1));
            return model.Wte.Weight.ToArray();
        }
        Assert.That(Run(), Is.EqualTo(Run()));
    }

    [Test]
    public void Train_BadInput_Throws()
    {
        var model = new Gpt2Model(new Gpt2Config(12, 16, 16, 1, 2), seed: 1);
        Assert.That(() => new SftTrainer(model, new SftOptions { Steps = 0 }), Throws.ArgumentException.With.Message.Contains("Steps"));
        Assert.That(() => new SftTrainer(model, new SftOptions { EvalFraction = 1 }), Throws.ArgumentException.With.Message.Contains("EvalFraction"));
        var trainer = new SftTrainer(model, new SftOptions { Steps = 2, WarmupSteps = 0 });
        Assert.That(() => trainer.Train(ReverseTask(1, 1)), Throws.ArgumentException.With.Message.Contains("at least 2"));
        Assert.That(() => trainer.Train([new([], [1]), new([1], [2])]), Throws.ArgumentException.With.Message.Contains("empty prompt"));
    }

    [Test]
    public void Train_LongExamples_AreCutToTheContext()
    {
        var model = new Gpt2Model(new Gpt2Config(12, 8, 16, 1, 2), seed: 1);
        var examples = new List<PromptCompletion> { new([1, 2, 3, 4, 5, 6, 7], [8, 9, 1, 2, 3]), new([1], [2, 3]) };
        var history = new SftTrainer(model, new SftOptions { Steps = 2, WarmupSteps = 0, BatchSize = 2 }).Train(examples);
        Assert.That(history.All(m => double.IsFinite(m.TrainLoss)), Is.True);
    }
}
