using Rebel.Preference.Data;
using Rebel.Preference.Evaluation;
using Rebel.Preference.Models;
using Rebel.Preference.Training;
using Rebel.Tensors;

namespace Rebel.Preference.Tests.Training;

/// <summary>The one fit path of a fresh preference model (the CLI's <c>preference train</c> and the train pipeline's baseline).</summary>
public class PreferenceFitTests
{
    private static readonly PreferenceModelOptions Small = new() { Features = new HashedFeatureEncoderOptions { Buckets = 128, Hidden = 8 } };
    private static readonly PreferenceTrainingOptions Training = new() { Epochs = 2, BatchSize = 16, Seed = 5 };

    [Test]
    public void Run_EqualsBuildingSplittingFittingAndEvaluatingByHand()
    {
        var records = CyclicPreferenceData.Generate(40, seed: 1);
        var fit = PreferenceFit.Prepare(Small, Training, 0.2, records);
        var metrics = fit.Run();

        // the same steps, spelled out: the weights from the seed's initialization stream, the batch order (inside
        // PreferenceTrainer) from the seed itself, the split salted with the seed
        var init = new Rng(Rng.DeriveSeed(Training.Seed, PreferenceTrainingOptions.InitializationStream));
        var model = new BradleyTerryRewardModel(new HashedFeatureEncoder(Small.Features, init), init);
        var (train, validation) = new PreferenceSplit(0.2, Training.Seed).Apply(records);
        PreferenceTrainer.Fit(model, train, Training);
        var expected = PreferenceEvaluator.Evaluate(model, validation);

        Assert.That((fit.Train.Count, fit.Validation.Count), Is.EqualTo((train.Count, validation.Count)));
        Assert.That(validation, Is.Not.Empty);
        Assert.That(metrics!.LogLoss, Is.EqualTo(expected.LogLoss));
        Assert.That(metrics.Accuracy, Is.EqualTo(expected.Accuracy));
    }

    [Test]
    public void Prepare_InitializesFromAStreamThatTheMinibatchOrderDoesNotDraw()
    {
        Assert.That(Training.InitializationSeed(), Is.EqualTo(Rng.DeriveSeed(Training.Seed, PreferenceTrainingOptions.InitializationStream)));
        Assert.That(Training.InitializationSeed(), Is.Not.EqualTo(Training.Seed));
        var fit = PreferenceFit.Prepare(Small, Training, 0.2, CyclicPreferenceData.Generate(10, seed: 3));
        var shared = new Rng(Training.Seed);                               // what the trainer's generator starts from
        var sharing = new BradleyTerryRewardModel(new HashedFeatureEncoder(Small.Features, shared), shared);
        var own = new Rng(Training.InitializationSeed());
        var expected = new BradleyTerryRewardModel(new HashedFeatureEncoder(Small.Features, own), own);
        Assert.That(fit.Model.Parameters.Select(p => p.ToArray()), Is.EqualTo(expected.Parameters.Select(p => p.ToArray())));
        Assert.That(fit.Model.Parameters.Select(p => p.ToArray()), Is.Not.EqualTo(sharing.Parameters.Select(p => p.ToArray())));
    }

    [Test]
    public void Run_NothingHeldOut_ReturnsNoMetrics()
    {
        var fit = PreferenceFit.Prepare(Small with { Kind = GeneralPreferenceModel.KindName, Blocks = 2 }, Training, 0, CyclicPreferenceData.Generate(10, seed: 2));
        Assert.That(fit.Model, Is.InstanceOf<GeneralPreferenceModel>());
        Assert.That(fit.Run(), Is.Null);
    }

    [TestCase("nope", "features", "model type \"nope\"")]
    [TestCase("bt", "bag-of-words", "encoder \"bag-of-words\"")]
    [TestCase("bt", "gpt2:", "encoder \"gpt2:\"")]
    public void Create_UnknownKindOrEncoder_NamesIt(string kind, string encoder, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => PreferenceModels.Create(new PreferenceModelOptions { Kind = kind, Encoder = encoder }, new Rng(0)));
        Assert.That(e!.Message, Does.Contain(message).And.Contain("not known"));
    }
}
