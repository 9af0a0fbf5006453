using System.Text.Json;
using static Rebel.Benchmarks.Tests.BenchRunner;

namespace Rebel.Benchmarks.Tests;

public class TrainStepBenchTests
{
    [Test]
    public void TrainStep_TinyModel_PrintsOneJsonLineWithTimeMemoryAndFiniteLoss()
    {
        var (code, output, error) = Run("train-step", "--steps", "2", "--batch", "2", "--context", "16", "--width", "32",
            "--layers", "1", "--heads", "2", "--vocab", "64");
        Assert.That(code, Is.EqualTo(0), error);
        var row = JsonDocument.Parse(output.Trim()).RootElement;
        Assert.That(row.GetProperty("impl").GetString(), Is.EqualTo("rebel"));
        Assert.That(row.GetProperty("median_ms").GetDouble(), Is.GreaterThan(0));
        Assert.That(row.GetProperty("peak_rss_mb").GetDouble(), Is.GreaterThan(0));
        Assert.That(double.IsFinite(row.GetProperty("loss").GetDouble()), Is.True);
        Assert.That(row.GetProperty("loss").GetDouble(), Is.EqualTo(Math.Log(64)).Within(0.5)); // near-uniform at init
    }

    [Test]
    public void TrainStep_Llama_CheckpointingChangesNeitherTheLossNorTheShape()
    {
        string[] tiny = ["train-step", "--model-type", "llama", "--layers", "1", "--steps", "1", "--batch", "1", "--context", "8"];
        var (code, output, error) = Run(tiny);
        Assert.That(code, Is.EqualTo(0), error);
        var (codeCheckpoint, outputCheckpoint, errorCheckpoint) = Run([.. tiny, "--checkpoint"]);
        Assert.That(codeCheckpoint, Is.EqualTo(0), errorCheckpoint);
        var plain = JsonDocument.Parse(output.Trim()).RootElement;
        var recomputed = JsonDocument.Parse(outputCheckpoint.Trim()).RootElement;
        Assert.That(plain.GetProperty("model_type").GetString(), Is.EqualTo("llama"));
        Assert.That(plain.GetProperty("checkpoint").GetBoolean(), Is.False);
        Assert.That(recomputed.GetProperty("checkpoint").GetBoolean(), Is.True);
        double loss = plain.GetProperty("loss").GetDouble();
        Assert.That(loss, Is.GreaterThan(0).And.LessThan(Math.Log(49152) + 1));   // SmolLM2's vocabulary
        // same seed, same data: recomputing the blocks in the backward pass gives the same gradients, so the same loss
        Assert.That(recomputed.GetProperty("loss").GetDouble(), Is.EqualTo(loss).Within(1e-3));
    }

    [Test]
    public void TrainStep_UnknownModelType_IsAParseErrorNamingIt()
    {
        var (code, _, error) = Run("train-step", "--model-type", "bert");
        Assert.That(code, Is.EqualTo(1));   // a parse error: the value is not among gpt2, llama
        Assert.That(error, Does.Contain("bert"));
    }
}
