using System.Text.Json;
using Rebel.Preference.Statistics;
using Rebel.Preference.Tournaments;

namespace Rebel.Preference.Tests.Tournaments;

public class TournamentAnalysisTests
{
    /// <summary>Per-prompt results of 4 players: 0 is strong; 1, 2, 3 play rock-paper-scissors, with noise per prompt.</summary>
    private static List<PairwiseResults> PerPrompt(int prompts, int seed)
    {
        var rng = new Random(seed);
        double[,] p =
        {
            { 0.5, 0.8, 0.8, 0.8 },
            { 0.2, 0.5, 0.9, 0.1 },
            { 0.2, 0.1, 0.5, 0.9 },
            { 0.2, 0.9, 0.1, 0.5 },
        };
        var list = new List<PairwiseResults>();
        for (int k = 0; k < prompts; k++)
        {
            var games = new List<GameOutcome>();
            for (int i = 0; i < 4; i++)
                for (int j = i + 1; j < 4; j++)
                    for (int s = 0; s < 2; s++)
                    {
                        double u = rng.NextDouble();
                        games.Add(new GameOutcome(i, j, u < 0.05 ? 0.5 : u < p[i, j] ? 1 : 0));
                    }
            list.Add(PairwiseResults.FromGames(4, games, new[] { "strong", "rock", "paper", "scissors" }));
        }
        return list;
    }

    [Test]
    public void Compute_FindsTheWinner_TheCycle_AndIntervalsAroundEstimates()
    {
        var perPrompt = PerPrompt(64, seed: 1);
        var a = TournamentAnalysis.Compute(perPrompt, new TournamentAnalysisOptions
        {
            Anchor = 1, AnchorRating = 1000, Bootstrap = new BootstrapOptions { Resamples = 200, Seed = 2 },
        });
        Assert.That(a.Players, Is.EqualTo(new[] { "strong", "rock", "paper", "scissors" }));
        Assert.That(a.Games[0][1], Is.EqualTo(128));
        Assert.That(a.Condorcet.Winner, Is.EqualTo(0));
        Assert.That(a.Condorcet.Cycles, Is.EqualTo(new[] { new CondorcetCycle(1, 2, 3) }));
        Assert.That(a.Lottery.Weights[0], Is.EqualTo(1.0).Within(1e-12));
        Assert.That(a.Elo[1], Is.EqualTo(1000).Within(1e-9));
        Assert.That(a.Elo[0], Is.GreaterThan(a.Elo.Skip(1).Max() + 100));
        for (int i = 0; i < 4; i++)
        {
            Assert.That(a.EloIntervals![i].Contains(a.Elo[i]), Is.True);
            for (int j = 0; j < 4; j++)
                if (i != j) Assert.That(a.WinRateIntervals![i][j].Contains(a.WinRates[i][j]), Is.True);
        }
        Assert.That(a.WinRateIntervals![0][1].Lower, Is.GreaterThan(0.6));
        Assert.That(a.EloIntervals![1].Lower, Is.EqualTo(1000).Within(1e-9)); // the anchor does not move
    }

    [Test]
    public void Compute_IsDeterministic_AndSerialisesToJson()
    {
        var perPrompt = PerPrompt(16, seed: 3);
        var options = new TournamentAnalysisOptions { Bootstrap = new BootstrapOptions { Resamples = 50, Seed = 9 } };
        var json1 = JsonSerializer.Serialize(TournamentAnalysis.Compute(perPrompt, options), Json);
        var json2 = JsonSerializer.Serialize(TournamentAnalysis.Compute(perPrompt, options), Json);
        Assert.That(json1, Is.EqualTo(json2));
        Assert.That(json1, Does.Contain("\"Lottery\"").And.Contain("\"EloIntervals\""));
    }

    private static readonly JsonSerializerOptions Json = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    [Test]
    public void Compute_WithoutBootstrap_HasNoIntervals()
    {
        var a = TournamentAnalysis.Compute(PerPrompt(4, seed: 5), new TournamentAnalysisOptions { Bootstrap = null });
        Assert.That(a.WinRateIntervals, Is.Null);
        Assert.That(a.EloIntervals, Is.Null);
        Assert.That(a.Elo.Average(), Is.EqualTo(1000).Within(1e-9));
    }

    [Test]
    public void Compute_BadInput_Throws()
    {
        Assert.Throws<ArgumentException>(() => TournamentAnalysis.Compute(Array.Empty<PairwiseResults>()));
        Assert.Throws<ArgumentException>(() => TournamentAnalysis.Compute(PerPrompt(2, 1), new TournamentAnalysisOptions { Anchor = 4 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => TournamentAnalysis.Compute(PerPrompt(2, 1), new TournamentAnalysisOptions { MaxListedCycles = -1 }));
    }
}
