using Rebel.SelfPlay.Pipeline;

namespace Rebel.SelfPlay.Tests.Pipeline;

/// <summary>The tournament and baseline sections build the options their stages run with, validated when the config loads.</summary>
public class StageConfigTests
{
    [Test]
    public void TournamentStage_Options_CarryTheSettings()
    {
        var options = new TournamentStageConfig { Samples = 3, Seed = 7, BootstrapResamples = 0 }.Validate().Options();
        Assert.That((options.Samples, options.Seed, options.BootstrapResamples), Is.EqualTo((3, 7UL, 0)));
    }

    [Test]
    public void TournamentStage_OneBootstrapResample_FailsAtValidation()
    {
        var e = Assert.Throws<ArgumentException>(() => new TournamentStageConfig { BootstrapResamples = 1 }.Validate());
        Assert.That(e!.Message, Does.Contain("tournament.bootstrap_resamples").And.Contain("got 1"));
        Assert.Throws<ArgumentException>(() => new TournamentStageConfig { BootstrapResamples = -1 }.Validate());
    }

    [Test]
    public void Baseline_Options_CarryTheSettings()
    {
        var config = new BaselineConfig { Buckets = 16, Hidden = 4, Epochs = 2, BatchSize = 8, LearningRate = 0.01, Seed = 5 }.Validate();
        var encoder = config.EncoderOptions();
        var training = config.TrainingOptions();
        Assert.That((encoder.Buckets, encoder.Hidden), Is.EqualTo((16, 4)));
        Assert.That((training.Epochs, training.BatchSize, training.LearningRate, training.Seed), Is.EqualTo((2, 8, 0.01, 5UL)));
    }

    [Test]
    public void Baseline_BadValue_FailsAtValidation()
    {
        var e = Assert.Throws<ArgumentException>(() => new BaselineConfig { Epochs = 0 }.Validate());
        Assert.That(e!.Message, Does.Contain("baseline.epochs"));
        Assert.Throws<ArgumentException>(() => new BaselineConfig { LearningRate = double.NaN }.Validate());
    }
}
