using System.Text.Json;
using Rebel.Preference.Tournaments;

namespace Rebel.Preference.Tests.Tournaments;

/// <summary>Bradley–Terry ratings and maximal lotteries against scipy (tools/tournament_fixtures.py).</summary>
public class ReferenceFixtureTests
{
    public sealed record Case(string Name, double Prior, double[,] Wins, double[] Logits, double[] Lottery, double[] NashAveragedScores)
    {
        public override string ToString() => Name;
    }

    public static IEnumerable<Case> Cases()
    {
        var path = Path.Combine(TestContext.CurrentContext.TestDirectory, "fixtures", "tournament_statistics.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            var rows = c.GetProperty("wins").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
            var wins = new double[rows.Length, rows.Length];
            for (int i = 0; i < rows.Length; i++) for (int j = 0; j < rows.Length; j++) wins[i, j] = rows[i][j];
            double[] Vector(string name) => c.GetProperty(name).EnumerateArray().Select(v => v.GetDouble()).ToArray();
            yield return new Case(c.GetProperty("name").GetString()!, c.GetProperty("prior").GetDouble(), wins,
                Vector("logits"), Vector("lottery"), Vector("nash_averaged_scores"));
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void BradleyTerry_MatchesScipy(Case c)
    {
        var ratings = BradleyTerry.Fit(new PairwiseResults(c.Wins), new BradleyTerryOptions { Prior = c.Prior });
        Assert.That(ratings.Logits, Is.EqualTo(c.Logits).Within(1e-6));
    }

    [TestCaseSource(nameof(Cases))]
    public void MaximalLottery_MatchesScipy(Case c)
    {
        var lottery = MaximalLottery.Compute(new PairwiseResults(c.Wins));
        Assert.That(lottery.Weights, Is.EqualTo(c.Lottery).Within(1e-6));
        Assert.That(lottery.NashAveragedScores, Is.EqualTo(c.NashAveragedScores).Within(1e-6));
    }

    [Test]
    public void Fixture_HasTheExpectedCases() =>
        Assert.That(Cases().Select(c => c.Name), Is.EquivalentTo(new[]
            { "rock_paper_scissors", "condorcet_winner", "random_6", "random_8", "sweep_with_prior" }));
}
