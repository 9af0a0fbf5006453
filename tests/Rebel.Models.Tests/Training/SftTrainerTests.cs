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
    public void InitializationSeed_IsAStreamOfTheSeedThatTheTrainerDoesNotDraw()
    {
        // the trainer's generator is Rng(Seed); a fresh model's weights come from DeriveSeed(Seed, InitializationStream)
        var options = new SftOptions { Seed = 9 };
        Assert.That(options.InitializationSeed(), Is.EqualTo(Rng.DeriveSeed(9, SftOptions.InitializationStream)));
        Assert.That(options.InitializationSeed(), Is.Not.EqualTo(options.Seed));
        Assert.That(new SftOptions { Seed = 10 }.InitializationSeed(), Is.Not.EqualTo(options.InitializationSeed()));
        var config = new Gpt2Config(12, 16, 16, 1, 2);
        Assert.That(new Gpt2Model(config, options.InitializationSeed()).Wte.Weight.ToArray(),
            Is.Not.EqualTo(new Gpt2Model(config, options.Seed).Wte.Weight.ToArray()));
    }

    [Test]
    public void Train_GradientAccumulation_GivesTheOneShotUpdate()
    {
        // Completions of different lengths, so each micro-batch holds its own share of the batch's tokens.
        var rng = new Rng(4);
        var examples = Enumerable.Range(0, 24).Select(_ => new PromptCompletion([rng.NextInt(10), Separator],
            [.. Enumerable.Range(0, 1 + rng.NextInt(6)).Select(_ => rng.NextInt(10)), Eos])).ToList();
        (IReadOnlyList<SftMetrics> History, float[][] Weights) Run(int accumulation)
        {
            var model = new Gpt2Model(new Gpt2Config(12, 16, 16, 2, 2), seed: 1);
            var options = new SftOptions { Steps = 3, BatchSize = 7, WarmupSteps = 1, Seed = 9, GradientAccumulationSteps = accumulation };
            var history = new SftTrainer(model, options).Train(examples);
            return (history, model.Parameters.Select(p => p.Value.ToArray()).ToArray());
        }
        var once = Run(1);
        foreach (int k in new[] { 3, 7 })
        {
            var split = Run(k);
            for (int s = 0; s < once.History.Count; s++)
            {
                Assert.That(split.History[s].TrainLoss, Is.EqualTo(once.History[s].TrainLoss).Within(1e-4).Percent, $"k = {k}, step {s + 1} loss");
                Assert.That(split.History[s].GradNorm, Is.EqualTo(once.History[s].GradNorm).Within(1e-3).Percent, $"k = {k}, step {s + 1} grad norm");
            }
            double worst = 0;
            for (int p = 0; p < once.Weights.Length; p++)
                for (int i = 0; i < once.Weights[p].Length; i++) worst = Math.Max(worst, Math.Abs(split.Weights[p][i] - once.Weights[p][i]));
            TestContext.Out.WriteLine($"k = {k}: worst weight difference after 3 steps {worst:E2}");
            Assert.That(worst, Is.LessThan(1e-5));
        }
        Assert.That(() => new SftOptions { BatchSize = 4, GradientAccumulationSteps = 5 }.Validate(), Throws.ArgumentException.With.Message.Contains("GradientAccumulationSteps"));
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
