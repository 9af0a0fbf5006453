using Rebel.SelfPlay.Training;

namespace Rebel.SelfPlay.Tests.Training;

public class TargetsAndPairingTests
{
    [Test]
    public void Pairing_AllPairsAndAdjacent()
    {
        Assert.That(Pairing.Within(3, PairingScheme.AllPairs), Is.EqualTo(new[] { (0, 1), (0, 2), (1, 2) }));
        Assert.That(Pairing.Within(4, PairingScheme.Adjacent), Is.EqualTo(new[] { (0, 1), (2, 3) }));
        var (a, b) = Pairing.Build(2, 2, PairingScheme.AllPairs);
        Assert.That(a, Is.EqualTo(new[] { 0, 2 }));
        Assert.That(b, Is.EqualTo(new[] { 1, 3 }));
        Assert.Throws<ArgumentException>(() => Pairing.Within(3, PairingScheme.Adjacent));
        Assert.Throws<ArgumentOutOfRangeException>(() => Pairing.Within(1, PairingScheme.AllPairs));
    }

    [Test]
    public void Preferences_DeltaIsLMinusHalf_MinusBetaPenaltyDifference()
    {
        int[] a = [0], b = [1];
        var plain = RegressionTargets.FromPreferences([0.8f], a, b, [-1f, -2f], [-1f, -1f], beta: 0);
        Assert.That(plain[0], Is.EqualTo(0.3f).Within(1e-7));
        // y drifted 0 from the anchor, y′ drifted −1: Δ = 0.3 − 0.5·(0 − (−1)) = −0.2
        var penalized = RegressionTargets.FromPreferences([0.8f], a, b, [-1f, -2f], [-1f, -1f], beta: 0.5);
        Assert.That(penalized[0], Is.EqualTo(-0.2f).Within(1e-7));
    }

    [Test]
    public void Rewards_UnfinishedGetsPenalty_AndDeltaIsDifference()
    {
        var (delta, shaped) = RegressionTargets.FromRewards([2f, 1f], [true, false], [0], [1], [0f, 0f], [0f, 0f], beta: 0, noEosReward: -1);
        Assert.That(shaped, Is.EqualTo(new[] { 2f, -1f }));
        Assert.That(delta, Is.EqualTo(new[] { 3f }));
    }

    [Test]
    public void EndOfSequenceRule_CutOffLosesToFinished()
    {
        var l = RegressionTargets.ApplyEndOfSequenceRule([0.9f, 0.2f, 0.7f], [0, 0, 1], [1, 2, 2], [false, true, false]);
        // (cut, finished) → 0; (cut, cut) → ½; (finished, cut) → 1
        Assert.That(l, Is.EqualTo(new[] { 0f, 0.5f, 1f }));
    }

    [Test]
    public void WinRates_AverageOverPairsBothWays()
    {
        var w = RegressionTargets.WinRates(3, [0, 0, 1], [1, 2, 2], [1f, 0.5f, 0f]);
        Assert.That(w, Is.EqualTo(new[] { 0.75f, 0f, 0.75f }));
    }

    [Test]
    public void Options_Validate_ListsEveryProblem()
    {
        Assert.DoesNotThrow(() => new RebelOptions().Validate());
        var e = Assert.Throws<ArgumentException>(() => new RebelOptions { Eta = 0, SamplesPerPrompt = 1, OfflineFraction = 0.5, Loss = "ppo" }.Validate())!;
        Assert.That(e.Message, Does.Contain("eta").And.Contain("samples_per_prompt").And.Contain("offline_data").And.Contain("\"ppo\""));
    }

    [Test]
    public void Options_RoundTripThroughSnakeCaseJson_AndRejectUnknownKeys()
    {
        var options = new RebelOptions { Eta = 0.3, Pairing = PairingScheme.Adjacent, MagnetResetInterval = 5 };
        var json = System.Text.Json.JsonSerializer.Serialize(options, RebelOptions.JsonOptions);
        Assert.That(json, Does.Contain("\"magnet_reset_interval\": 5").And.Contain("\"adjacent\""));
        var back = System.Text.Json.JsonSerializer.Deserialize<RebelOptions>(json, RebelOptions.JsonOptions);
        Assert.That(back, Is.EqualTo(options));
        Assert.Throws<System.Text.Json.JsonException>(() =>
            System.Text.Json.JsonSerializer.Deserialize<RebelOptions>("{\"etaa\": 1}", RebelOptions.JsonOptions));
    }

    [Test]
    public void MetricsLog_AppendsAndTruncatesOnResume()
    {
        var dir = Directory.CreateTempSubdirectory("rebel-metrics-").FullName;
        try
        {
            var path = Path.Combine(dir, "metrics.jsonl");
            using (var log = new MetricsLog(path))
                for (int i = 1; i <= 4; i++) log.Write(i, [new("loss/rebel", i * 0.5), new("time/train", double.NaN)]);
            using (var log = new MetricsLog(path, keepThroughIteration: 2)) log.Write(3, [new("loss/rebel", 9.0)]);
            var rows = MetricsLog.Read(path);
            Assert.That(rows.Select(r => r["iteration"]), Is.EqualTo(new[] { 1.0, 2.0, 3.0 }));
            Assert.That(rows[2]["loss/rebel"], Is.EqualTo(9.0));
            Assert.That(File.ReadAllText(path), Does.Contain("\"time/train\":\"NaN\""));
        }
        finally { Directory.Delete(dir, true); }
    }
}
