using Rebel.Judges;
using Rebel.SelfPlay.Policies;
using Rebel.SelfPlay.Training;
using Rebel.Tensors;

namespace Rebel.SelfPlay.Tests.Evaluation;

/// <summary>RebelTrainer's periodic evaluation goes through WinRateEvaluator and keeps its seeded sampling.</summary>
public class TrainerEvaluationTests
{
    private static readonly string[] Actions = ["bad", "ok", "good", "best"];

    [Test]
    public async Task EvaluateAgainstReference_SameSamplesAsBefore_WithIntervalAndLengthControl()
    {
        var prompts = Enumerable.Range(0, 12).Select(k => $"p{k}").ToArray();
        var policy = new CategoricalPolicy(prompts, Actions);
        for (int k = 0; k < prompts.Length; k++) policy.Logits.AsSpan()[k * 4 + 3] = 1.5f; // leans to "best"
        var reference = new CategoricalPolicy(prompts, Actions);
        var judge = new FunctionJudge("ordered", c => Math.Sign(Array.IndexOf(Actions, c.A) - Array.IndexOf(Actions, c.B)) * 0.5 + 0.5);
        var options = new RebelOptions { Seed = 21, EvalInterval = 0 };
        var dir = Directory.CreateTempSubdirectory("rebel-trainer-eval-").FullName;
        try
        {
            var trainer = new RebelTrainer(policy, reference, options, dir) { TrainPrompts = prompts, Judge = judge };
            var result = await trainer.EvaluateAgainstReferenceAsync(prompts);
            double winRate = await trainer.WinRateAgainstReferenceAsync(prompts);

            // the evaluation's definition: one generator seeded with seed ⊕ 0x5EED samples π_θ, then π_ref; mean verdict
            var rng = new Rng(options.Seed ^ 0x5EEDUL);
            var mine = policy.Sample(prompts, 1, options.Temperature, options.MaxNewTokens, rng);
            var theirs = reference.Sample(prompts, 1, options.Temperature, options.MaxNewTokens, rng);
            var expected = (await judge.JudgeAsync(prompts.Select((x, i) => new Rebel.Preference.Comparison(x, mine[i].Text, theirs[i].Text)).ToList())).Average(v => v.P);

            Assert.That(winRate, Is.EqualTo(expected));
            Assert.That(result.WinRate, Is.EqualTo(expected));
            Assert.That(result.Verdicts.Select(v => v.Completion), Is.EqualTo(mine.Select(c => c.Text)));
            Assert.That(result.Interval!.Contains(result.WinRate), Is.True);
            Assert.That(result.Prompts, Is.EqualTo(12));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void EvaluateAgainstReference_NoJudge_Throws()
    {
        var prompts = new[] { "p0" };
        var dir = Directory.CreateTempSubdirectory("rebel-trainer-eval-").FullName;
        try
        {
            var trainer = new RebelTrainer(new CategoricalPolicy(prompts, Actions), new CategoricalPolicy(prompts, Actions), new RebelOptions(), dir) { TrainPrompts = prompts };
            Assert.ThrowsAsync<InvalidOperationException>(() => trainer.EvaluateAgainstReferenceAsync(prompts));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
