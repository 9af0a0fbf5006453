using Rebel.Preference.Tournaments;

namespace Rebel.Preference.Tests.Tournaments;

public class OnlineEloTests
{
    [Test]
    public void Run_OneGame_FollowsTheUpdateRule()
    {
        // equal ratings: E = ½, so a win moves K/2 = 8 points each way
        var r = OnlineElo.Run(2, new[] { new GameOutcome(0, 1, 1.0) });
        Assert.That(r, Is.EqualTo(new[] { 1008.0, 992.0 }));
        // second game: E = 1/(1 + 10^(−16/400)) for player 0; a tie moves 16(½ − E)
        r = OnlineElo.Run(2, new[] { new GameOutcome(0, 1, 1.0), new GameOutcome(1, 0, 0.5) }, new OnlineEloOptions { K = 16 });
        double e = 1 / (1 + Math.Pow(10, -16 / 400.0));
        Assert.That(r[0], Is.EqualTo(1008 + 16 * (0.5 - e)).Within(1e-12));
        Assert.That(r.Sum(), Is.EqualTo(2000).Within(1e-9));
    }

    [Test]
    public void Run_ManyGames_AgreesWithBradleyTerryInOrder()
    {
        // players of true Elo 0, 100, 200 play 6000 random games; both estimates recover the order and roughly the gaps
        var rng = new Random(4);
        double[] truth = { 0, 100, 200 };
        var games = new List<GameOutcome>();
        for (int g = 0; g < 6000; g++)
        {
            int i = rng.Next(3), j = (i + 1 + rng.Next(2)) % 3;
            double p = 1 / (1 + Math.Pow(10, (truth[j] - truth[i]) / 400));
            games.Add(new GameOutcome(i, j, rng.NextDouble() < p ? 1 : 0));
        }
        var online = OnlineElo.Run(3, games, new OnlineEloOptions { K = 4 });
        var bt = BradleyTerry.Fit(PairwiseResults.FromGames(3, games)).Elo(anchor: 0);
        Assert.That(online[1] - online[0], Is.EqualTo(100).Within(40));
        Assert.That(online[2] - online[0], Is.EqualTo(200).Within(40));
        Assert.That(bt[1], Is.EqualTo(100).Within(25));
        Assert.That(bt[2], Is.EqualTo(200).Within(25));
    }

    [Test]
    public void Run_BadInput_Throws()
    {
        Assert.Throws<ArgumentException>(() => OnlineElo.Run(2, new[] { new GameOutcome(0, 2, 1) }));
        Assert.Throws<ArgumentException>(() => OnlineElo.Run(2, new[] { new GameOutcome(1, 1, 1) }));
        Assert.Throws<ArgumentException>(() => OnlineElo.Run(2, new[] { new GameOutcome(0, 1, 1.5) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => OnlineElo.Run(2, Array.Empty<GameOutcome>(), new OnlineEloOptions { K = 0 }));
    }
}
