using System.Text.RegularExpressions;
using static Rebel.Benchmarks.Tests.BenchRunner;

namespace Rebel.Benchmarks.Tests;

public class TournamentBenchTests
{
    [Test]
    public void Tournament_TinySizes_PrintsEveryPhaseAndMatchesPerSecond()
    {
        var (code, output, error) = Run("tournament", "--players", "3", "--models", "1", "--prompts", "4", "--samples", "2",
            "--reps", "2", "--bootstrap", "20", "--max-new-tokens", "4", "--judge", "length");
        Assert.That(code, Is.Zero, error);
        Assert.That(output, Does.Contain("3 players (1 tiny random GPT-2, 2 completion files)").And.Contain("round-robin = 24 games"));
        foreach (var phase in new[] { "| sampling", "| judging", "| saving verdicts", "| statistics", "| report", "| other", "| total wall" })
            Assert.That(output, Does.Contain(phase));
        var total = double.Parse(Regex.Match(output, @"\| total wall \| ([0-9.]+) \|").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(total, Is.GreaterThan(0));
        Assert.That(output, Does.Match(@"matches/s: \d+ overall"));
    }

    [Test]
    public void Tournament_BadSizes_ExitTwoWithTheReason()
    {
        var (code, _, error) = Run("tournament", "--players", "3", "--models", "4");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain("--models must lie in [0, --players = 3], got 4"));
        (code, _, error) = Run("tournament", "--judge", "nonsense");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain("nonsense"));
    }
}
