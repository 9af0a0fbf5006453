using System.Text.Json;
using Rebel.SelfPlay.Pipeline;
using Rebel.SelfPlay.Training;

namespace Rebel.SelfPlay.Tests.Pipeline;

/// <summary>examples/Rebel.Examples.Train runs the whole train pipeline through the public API, and its summary is what the run folder holds.</summary>
public class TrainExampleTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rebel-example-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public async Task Example_RunsEveryStage_AndPrintsTheTournamentsWinRates()
    {
        var output = new StringWriter();
        TrainSummary summary = await Rebel.Examples.Train.Program.RunAsync(_dir, output);
        var run = summary.Config.RunDir;

        // every stage ran: the SFT reference, 3 self-play iterations, the baseline, the tournament, the report
        Assert.That(File.Exists(Path.Combine(run, "reference", "model.safetensors")), Is.True);
        Assert.That(MetricsLog.Read(Path.Combine(run, "metrics.jsonl")), Has.Count.EqualTo(3));
        Assert.That(summary.FinalCheckpoint, Is.EqualTo(Path.Combine(run, "checkpoints", "iter-3")));
        Assert.That(MetricsLog.Read(Path.Combine(summary.BaselineDir!, "metrics.jsonl")), Has.Count.EqualTo(3));
        Assert.That(summary.RewardModelAccuracy, Is.InRange(0.0, 1.0));
        Assert.That(File.ReadAllText(summary.ReportPath), Does.StartWith("# REBEL run report"));

        // the tournament in the summary is the one on disk, and the example printed its headline win rates
        var t = summary.Tournament!;
        Assert.That(t.Players, Is.EqualTo(new[] { TrainPipeline.ReferenceName, "self-play-1", "self-play-3", TrainPipeline.BaselineName }));
        using var saved = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "tournament", "tournament.json")));
        var savedRates = saved.RootElement.GetProperty("win_rates");
        var (final, reference) = summary.Matchups[0];
        Assert.That(savedRates[final][reference].GetDouble(), Is.EqualTo(t.Analysis.WinRates[final][reference]).Within(1e-9));
        var text = output.ToString();
        Assert.That(text, Does.Contain("self-play: iterations 1–3").And.Contain("baseline 3/3: loss"));
        Assert.That(text, Does.Contain($"win rate of self-play-3 vs {TrainPipeline.ReferenceName}: {t.Analysis.WinRates[final][reference]:0.000}"));
        Assert.That(text, Does.Contain($"report: {summary.ReportPath}"));
    }

    [Test]
    public void Pipeline_CancelledDuringTheReferenceSft_StopsWithinAStep_AndLeavesNoHalfBuiltReference()
    {
        using var cancel = new CancellationTokenSource();
        var output = new CancelOnLine("sft step", cancel);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.CatchAsync<OperationCanceledException>(() => Rebel.Examples.Train.Program.RunAsync(_dir, output, cancel.Token));
        Assert.That(output.Lines.Count(l => l.Contains("sft step")), Is.EqualTo(1), "no SFT step is logged after the cancellation");
        Assert.That(Directory.Exists(Path.Combine(_dir, "run", "reference")), Is.False);
        Assert.That(Directory.Exists(Path.Combine(_dir, "run", "reference.tmp")), Is.False);
        TestContext.Out.WriteLine($"stopped after {watch.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>Keeps the lines written; cancels <paramref name="cancel"/> at the first line containing <paramref name="text"/>.</summary>
    private sealed class CancelOnLine(string text, CancellationTokenSource cancel) : StringWriter
    {
        public List<string> Lines { get; } = [];

        public override void WriteLine(string? value)
        {
            Lines.Add(value ?? "");
            if (value?.Contains(text, StringComparison.Ordinal) == true) cancel.Cancel();
        }
    }

    [Test]
    public void Pipeline_ResumeAndOverwriteTogether_AreRefused()
    {
        var config = new TrainConfig { Model = "m", Prompts = "p", Judge = "length(4)" };
        Assert.ThrowsAsync<ArgumentException>(() => new TrainPipeline(config).RunAsync(resume: true, overwrite: true));
    }
}
