using Rebel.SelfPlay.Policies;
using Rebel.SelfPlay.Training;

namespace Rebel.SelfPlay.Tests.Training;

/// <summary>The magnet mixed with π_ref (<see cref="RebelOptions.MagnetMixing"/>).</summary>
public class MagnetMixtureTests
{
    [Test]
    public void LogProbs_AreTheLogOfTheMixture_ComputedInDouble()
    {
        float[] snapshot = [-0.5f, -3f, -120f, -700f];
        float[] reference = [-1.2f, -0.1f, -2f, -800f];
        const double epsilon = 0.02;
        var mixed = MagnetMixture.LogProbs(snapshot, reference, epsilon);
        for (int i = 0; i < snapshot.Length; i++)
        {
            // ln[(1 − ε)e^a + ε e^b], with the larger term factored out by hand
            double a = snapshot[i], b = reference[i], top = Math.Max(a, b);
            double expected = top + Math.Log((1 - epsilon) * Math.Exp(a - top) + epsilon * Math.Exp(b - top));
            Assert.That(mixed[i], Is.EqualTo(expected).Within(1e-5 * Math.Max(1, Math.Abs(expected))), $"completion {i}");
        }
        Assert.That(mixed[2], Is.GreaterThan(Math.Log(epsilon) - 2.0 - 1e-4), "an unlikely completion keeps at least ε·π_ref");
        Assert.That(MagnetMixture.LogProbs(snapshot, reference, 0), Is.SameAs(snapshot), "ε = 0: the magnet itself");
    }

    [Test]
    public void Options_MixingOutOfRangeOrWithoutAMagnet_AreRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => new RebelOptions { MagnetMixing = 1, MagnetResetInterval = 2, Beta = 0.1 }.Validate());
        Assert.That(error!.Message, Does.Contain("magnet_mixing must be in [0, 1), got 1"));
        error = Assert.Throws<ArgumentException>(() => new RebelOptions { MagnetMixing = 0.1, Beta = 0.1 }.Validate());
        Assert.That(error!.Message, Does.Contain("magnet_mixing = 0.1 needs magnet_reset_interval > 0"));
    }

    [Test]
    public async Task Training_WithMixing_MovesTheRun_AndResumesExactly()
    {
        var dir = Directory.CreateTempSubdirectory("rebel-magnet-mixing-").FullName;
        try
        {
            RebelOptions Options(double mixing, int iterations) => new()
            {
                Iterations = iterations, PromptsPerIteration = 3, MinibatchPrompts = 2, SamplesPerPrompt = 4, Epochs = 2,
                LearningRate = 0.05, WeightDecay = 0, CheckpointInterval = 2, EvalInterval = 0, Seed = 5,
                Beta = 0.5, MagnetResetInterval = 2, MagnetMixing = mixing,
            };
            async Task<float[]> Run(double mixing, string name, int iterations = 6, bool resume = false, CategoricalPolicy? policy = null)
            {
                policy ??= new CategoricalPolicy(RebelTrainerTests.Prompts, RebelTrainerTests.Actions);
                await new RebelTrainer(policy, new CategoricalPolicy(RebelTrainerTests.Prompts, RebelTrainerTests.Actions),
                    Options(mixing, iterations), Path.Combine(dir, name))
                { TrainPrompts = RebelTrainerTests.Prompts, Judge = RebelTrainerTests.Ordered() }.RunAsync(resume);
                return policy.Logits.ToArray();
            }

            var plain = await Run(0, "plain");
            var mixed = await Run(0.3, "mixed");
            Assert.That(mixed, Is.Not.EqualTo(plain), "the mixture changes the anchor after the first reset");
            await Run(0.3, "resumed", iterations: 4);
            Assert.That(await Run(0.3, "resumed", resume: true), Is.EqualTo(mixed));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
