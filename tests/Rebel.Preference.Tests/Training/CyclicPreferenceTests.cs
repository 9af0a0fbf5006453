using Rebel.Preference.Data;
using Rebel.Preference.Evaluation;
using Rebel.Preference.Models;
using Rebel.Preference.Training;
using Rebel.Tensors;

namespace Rebel.Preference.Tests.Training;

public class CyclicPreferenceTests
{
    [Test]
    public void RockPaperScissors_GeneralModelFitsTheCycle_BradleyTerryCannot()
    {
        var (train, validation) = new PreferenceSplit(0.25, seed: 7).Apply(CyclicPreferenceData.Generate(160, seed: 1));
        var options = new PreferenceTrainingOptions { Epochs = 8, BatchSize = 32, LearningRate = 1e-2, Seed = 3 };
        var encoder = new HashedFeatureEncoderOptions { Buckets = 256, Hidden = 32 };

        var gpm = new GeneralPreferenceModel(new HashedFeatureEncoder(encoder, new Rng(11)), blocks: 2, temperature: 1.0, new Rng(12));
        PreferenceTrainer.Fit(gpm, train, options);
        var gpmMetrics = PreferenceEvaluator.Evaluate(gpm, validation);

        var bt = new BradleyTerryRewardModel(new HashedFeatureEncoder(encoder, new Rng(11)), new Rng(12));
        PreferenceTrainer.Fit(bt, train, options);
        var btMetrics = PreferenceEvaluator.Evaluate(bt, validation);

        TestContext.Out.WriteLine($"held-out {validation.Count}: gpm {gpmMetrics}; bt {btMetrics}");
        Assert.That(validation, Has.Count.GreaterThan(90));
        Assert.That(gpmMetrics.Accuracy, Is.GreaterThanOrEqualTo(0.95));
        Assert.That(gpmMetrics.CyclicTripleShare, Is.GreaterThanOrEqualTo(0.95));
        Assert.That(btMetrics.Accuracy, Is.LessThanOrEqualTo(0.70));
        Assert.That(btMetrics.CyclicTripleShare, Is.EqualTo(0.0)); // a scalar reward is transitive
    }
}
