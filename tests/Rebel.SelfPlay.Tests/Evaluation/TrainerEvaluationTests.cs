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

            // the evaluation's definition (docs/randomness.md): an evaluation seeded with stream 1 of the run seed; in it
            // π_θ samples from stream 1, π_ref from stream 2 and the bootstrap resamples with stream 3; mean verdict
            ulong seed = Rng.DeriveSeed(options.Seed, 1);
            var mine = policy.Sample(prompts, 1, options.Temperature, options.MaxNewTokens, new Rng(Rng.DeriveSeed(seed, 1)));
            var theirs = reference.Sample(prompts, 1, options.Temperature, options.MaxNewTokens, new Rng(Rng.DeriveSeed(seed, 2)));
            var verdicts = await judge.JudgeAsync(prompts.Select((x, i) => new Rebel.Preference.Comparison(x, mine[i].Text, theirs[i].Text)).ToList());
            var expected = verdicts.Average(v => v.P);
            var interval = Rebel.Preference.Statistics.Bootstrap.PercentileIntervals(verdicts.Select(v => v.P).ToArray(), sample => [sample.Average()],
                new Rebel.Preference.Statistics.BootstrapOptions { Seed = Rng.DeriveSeed(seed, 3) })[0];

            Assert.That(winRate, Is.EqualTo(expected));
            Assert.That(result.WinRate, Is.EqualTo(expected));
            Assert.That(result.Verdicts.Select(v => v.Completion), Is.EqualTo(mine.Select(c => c.Text)));
            Assert.That(result.Verdicts.Select(v => v.ReferenceCompletion), Is.EqualTo(theirs.Select(c => c.Text)));
            Assert.That(result.Interval!.Contains(result.WinRate), Is.True);
            Assert.That((result.Interval.Lower, result.Interval.Upper), Is.EqualTo((interval.Lower, interval.Upper)));
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
