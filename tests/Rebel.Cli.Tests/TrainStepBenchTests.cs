using System.Text.Json;
using static Rebel.Cli.Tests.ModelCommandFixture;

namespace Rebel.Cli.Tests;

public class TrainStepBenchTests
{
    [Test]
    public void TrainStep_TinyModel_PrintsOneJsonLineWithTimeMemoryAndFiniteLoss()
    {
        var (code, output, error) = Run("bench", "train-step", "--steps", "2", "--batch", "2", "--context", "16", "--width", "32",
            "--layers", "1", "--heads", "2", "--vocab", "64");
        Assert.That(code, Is.EqualTo(0), error);
        var row = JsonDocument.Parse(output.Trim()).RootElement;
        Assert.That(row.GetProperty("impl").GetString(), Is.EqualTo("rebel"));
        Assert.That(row.GetProperty("median_ms").GetDouble(), Is.GreaterThan(0));
        Assert.That(row.GetProperty("peak_rss_mb").GetDouble(), Is.GreaterThan(0));
        Assert.That(double.IsFinite(row.GetProperty("loss").GetDouble()), Is.True);
        Assert.That(row.GetProperty("loss").GetDouble(), Is.EqualTo(Math.Log(64)).Within(0.5)); // near-uniform at init
    }
}
