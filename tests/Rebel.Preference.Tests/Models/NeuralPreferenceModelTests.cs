using Rebel.Preference.Data;
using Rebel.Preference.Models;
using Rebel.Preference.Tests.Training;
using Rebel.Preference.Training;
using Rebel.Tensors;

namespace Rebel.Preference.Tests.Models;

public class NeuralPreferenceModelTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rebel-prefmodel-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static HashedFeatureEncoder Encoder(ulong seed) => new(new HashedFeatureEncoderOptions { Buckets = 128, Hidden = 16 }, new Rng(seed));

    private static NeuralPreferenceModel[] Models() =>
    [
        new GeneralPreferenceModel(Encoder(1), blocks: 3, temperature: 0.7, new Rng(2)),
        new BradleyTerryRewardModel(Encoder(1), new Rng(2)),
    ];

    private static List<Comparison> Questions() =>
    [
        new("hello", "a river of stone", "an engine gear"),
        new("hello", "an engine gear", "violin melody song"),
        new("other prompt", "violin melody song", "a river of stone"),
        new("", "x", "y y y"),
    ];

    [Test]
    public void PreferenceProbabilities_AreExactlySkewSymmetric()
    {
        foreach (var model in Models())
        {
            var q = Questions();
            var p = model.PreferenceProbabilities(q);
            var swapped = model.PreferenceProbabilities(q.Select(c => c.Swapped()).ToList());
            var both = model.PreferenceProbabilities([.. q, .. q.Select(c => c.Swapped())]);
            for (int i = 0; i < q.Count; i++)
            {
                Assert.That(p[i] + swapped[i], Is.EqualTo(1.0), $"{model.Kind} pair {i}"); // exact, no tolerance
                Assert.That(both[i] + both[q.Count + i], Is.EqualTo(1.0), $"{model.Kind} pair {i}, one call");
            }
            Assert.That(model.PreferenceProbabilities([new Comparison("x", "same", "same")])[0], Is.EqualTo(0.5));
            Assert.That(p.Distinct().Count(), Is.GreaterThan(1), "a random model should not be constant");
        }
    }

    [Test]
    public void SaveLoad_RoundTrip_GivesIdenticalPredictions()
    {
        foreach (var model in Models())
        {
            var dir = Path.Combine(_dir, model.Kind);
            model.Save(dir);
            var loaded = PreferenceModels.Load(dir);
            Assert.That(loaded.GetType(), Is.EqualTo(model.GetType()));
            Assert.That(loaded.PreferenceProbabilities(Questions()), Is.EqualTo(model.PreferenceProbabilities(Questions())));
            Assert.That(Directory.GetFiles(dir).Select(Path.GetFileName), Is.EquivalentTo(new[] { "config.json", "model.safetensors" }));
        }
    }

    [Test]
    public void Rewards_GiveTheBradleyTerryProbability()
    {
        var bt = new BradleyTerryRewardModel(Encoder(5), new Rng(6));
        var r = bt.Rewards([("hello", "a river of stone"), ("hello", "an engine gear")]);
        double p = bt.PreferenceProbabilities([Questions()[0]])[0];
        Assert.That(p, Is.EqualTo(1 / (1 + Math.Exp(-(r[0] - r[1])))).Within(1e-12));
    }

    [Test]
    public void Fit_IsDeterministicGivenSeeds_AndLowersTheLoss()
    {
        var data = CyclicPreferenceData.Generate(20, seed: 4);
        var options = new PreferenceTrainingOptions { Epochs = 3, BatchSize = 8, Seed = 9 };
        var a = new GeneralPreferenceModel(Encoder(1), 2, 1.0, new Rng(2));
        var b = new GeneralPreferenceModel(Encoder(1), 2, 1.0, new Rng(2));
        var lossA = PreferenceTrainer.Fit(a, data, options);
        var lossB = PreferenceTrainer.Fit(b, data, options);
        Assert.That(lossB, Is.EqualTo(lossA));
        Assert.That(lossA[^1], Is.LessThan(lossA[0]));
        Assert.That(a.PreferenceProbabilities(Questions()), Is.EqualTo(b.PreferenceProbabilities(Questions())));
    }

    [Test]
    public void Fit_RejectsBadOptionsAndEmptyData()
    {
        var model = new BradleyTerryRewardModel(Encoder(1), new Rng(2));
        var data = CyclicPreferenceData.Generate(2, seed: 4);
        Assert.Throws<ArgumentOutOfRangeException>(() => PreferenceTrainer.Fit(model, data, new PreferenceTrainingOptions { Epochs = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => PreferenceTrainer.Fit(model, data, new PreferenceTrainingOptions { LearningRate = -1 }));
        Assert.Throws<ArgumentException>(() => PreferenceTrainer.Fit(model, new List<PreferenceRecord>(), new PreferenceTrainingOptions()));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GeneralPreferenceModel(Encoder(1), 0, 1.0, new Rng(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GeneralPreferenceModel(Encoder(1), 2, 0.0, new Rng(1)));
    }

    [Test]
    public void Load_MissingOrMalformed_ThrowsNamingTheFile()
    {
        Assert.Throws<DirectoryNotFoundException>(() => PreferenceModels.Load(Path.Combine(_dir, "nope")));
        Assert.That(() => PreferenceModels.Load(_dir), Throws.TypeOf<FileNotFoundException>().With.Message.Contains("config.json"));

        var model = new GeneralPreferenceModel(Encoder(1), 2, 1.0, new Rng(2));
        model.Save(_dir);
        var config = Path.Combine(_dir, "config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"gpm\"", "\"nonsense\""));
        Assert.That(() => PreferenceModels.Load(_dir), Throws.TypeOf<InvalidDataException>().With.Message.Contains("nonsense").And.Message.Contains("config.json"));

        model.Save(_dir);
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"blocks\": 2", "\"blocks\": 3"));
        Assert.That(() => PreferenceModels.Load(_dir), Throws.TypeOf<InvalidDataException>().With.Message.Contains("head.w"));
    }
}
