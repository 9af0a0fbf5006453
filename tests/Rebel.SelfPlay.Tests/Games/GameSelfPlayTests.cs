using Rebel.SelfPlay.Games;
using Rebel.SelfPlay.Games.Algorithms;

namespace Rebel.SelfPlay.Tests.Games;

public class GameSelfPlayTests
{
    private static readonly GameAlgorithmInfo Prox = GameAlgorithms.Find("rebel-prox");

    [Test]
    public void Run_LogsIterationZeroEveryIntervalAndTheLast()
    {
        var result = GameSelfPlay.Run(BuiltinGames.WeightedRockPaperScissors(), Prox.Create(Prox.ExactDefaults),
            new GameRunOptions { Iterations = 25, LogEvery = 10 });
        Assert.That(result.History.Select(h => h.Iteration), Is.EqualTo(new[] { 0, 10, 20, 25 }));
        Assert.That(result.History[^1].Exploitability, Is.EqualTo(result.Exploitability));
        Assert.That(result.History[^1].AverageExploitability, Is.EqualTo(result.AverageExploitability));
        Assert.That(result.AveragePolicy.Sum(), Is.EqualTo(1).Within(1e-12));
        Assert.That(new GameRunOptions { Iterations = 2000 }.EffectiveLogEvery, Is.EqualTo(10));
    }

    [Test]
    public void Run_AveragePolicy_IsTheMeanOfTheIterates()
    {
        var game = BuiltinGames.Random(4, 1);
        var one = GameSelfPlay.Run(game, Prox.Create(Prox.ExactDefaults), new GameRunOptions { Iterations = 1 });
        var zero = GameSelfPlay.Run(game, Prox.Create(Prox.ExactDefaults), new GameRunOptions { Iterations = 0 });
        Assert.That(zero.AveragePolicy, Is.EqualTo(zero.Policy).Within(1e-15));
        var expected = zero.Policy.Zip(one.Policy, (a, b) => (a + b) / 2);
        Assert.That(one.AveragePolicy, Is.EqualTo(expected).Within(1e-15));
    }

    [Test]
    public void Run_UniformStart_OnRockPaperScissors_StaysAtTheEquilibrium()
    {
        var result = GameSelfPlay.Run(BuiltinGames.RockPaperScissors(), GameAlgorithms.Find("rebel").Create(new()),
            new GameRunOptions { Iterations = 50, InitialScale = 0 });
        Assert.That(result.Policy, Is.EqualTo(new[] { 1 / 3.0, 1 / 3.0, 1 / 3.0 }).Within(1e-12));
        Assert.That(result.Exploitability, Is.LessThan(1e-12));
    }

    [Test]
    public void Run_Sampled_DependsOnTheSeed()
    {
        var game = BuiltinGames.Random(5, 2);
        GameRunResult Go(int seed) => GameSelfPlay.Run(game, Prox.Create(Prox.SampledDefaults),
            new GameRunOptions { Iterations = 50, Samples = 10, Seed = seed });
        Assert.That(Go(1).Policy, Is.EqualTo(Go(1).Policy));
        Assert.That(Go(1).Policy, Is.Not.EqualTo(Go(2).Policy));
    }

    [Test]
    public void Run_BadOptions_Throw()
    {
        var game = BuiltinGames.RockPaperScissors();
        var algorithm = Prox.Create(Prox.ExactDefaults);
        Assert.Throws<ArgumentOutOfRangeException>(() => GameSelfPlay.Run(game, algorithm, new GameRunOptions { Iterations = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => GameSelfPlay.Run(game, algorithm, new GameRunOptions { Samples = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => GameSelfPlay.Run(game, algorithm, new GameRunOptions { InitialScale = -1 }));
    }

    [Test]
    public void ResultJson_HasTheContractFields()
    {
        var result = GameSelfPlay.Run(BuiltinGames.CondorcetWinner(), Prox.Create(Prox.ExactDefaults), new GameRunOptions { Iterations = 20 });
        using var doc = System.Text.Json.JsonDocument.Parse(GameRunResultJson.Serialize(result));
        var root = doc.RootElement;
        Assert.That(root.GetProperty("policy").GetArrayLength(), Is.EqualTo(4));
        Assert.That(root.GetProperty("average_policy").GetArrayLength(), Is.EqualTo(4));
        Assert.That(root.GetProperty("exploitability").GetDouble(), Is.EqualTo(result.Exploitability));
        Assert.That(root.GetProperty("history")[0].GetProperty("iteration").GetInt32(), Is.EqualTo(0));
        Assert.That(root.GetProperty("samples").ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.Null));
        Assert.That(root.GetProperty("options").GetProperty("eta").GetDouble(), Is.EqualTo(Prox.ExactDefaults.Eta));
    }
}
