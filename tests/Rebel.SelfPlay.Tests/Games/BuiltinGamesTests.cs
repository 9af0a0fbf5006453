using Rebel.Preference;
using Rebel.SelfPlay.Games;

namespace Rebel.SelfPlay.Tests.Games;

public class BuiltinGamesTests
{
    private static IEnumerable<TestCaseData> KnownWinners()
    {
        yield return new TestCaseData("rock-paper-scissors", new[] { 1 / 3.0, 1 / 3.0, 1 / 3.0 });
        yield return new TestCaseData("weighted-rps", new[] { 1 / 7.0, 4 / 7.0, 2 / 7.0 });
        yield return new TestCaseData("cycle-dominated", new[] { 1 / 3.0, 1 / 3.0, 1 / 3.0, 0, 0 });
        yield return new TestCaseData("condorcet", new[] { 1.0, 0, 0, 0 });
    }

    [TestCaseSource(nameof(KnownWinners))]
    public void Create_HasTheStatedMinimaxWinner(string name, double[] winner)
    {
        var game = BuiltinGames.Create(name);
        Assert.That(game.Name, Is.EqualTo(name));
        Assert.That(game.Matrix.Exploitability(winner), Is.EqualTo(0).Within(1e-12));
        Assert.That(MinimaxWinner.Solve(game.Matrix).Policy, Is.EqualTo(winner).Within(1e-9));
    }

    [Test]
    public void WeightedRps_EquilibriumIsNotUniform()
    {
        var game = BuiltinGames.WeightedRockPaperScissors();
        Assert.That(game.Matrix.Exploitability([1 / 3.0, 1 / 3.0, 1 / 3.0]), Is.GreaterThan(0.05));
    }

    [Test]
    public void Random_IsSkewSymmetricSeededAndNamed()
    {
        var game = BuiltinGames.Create("random-12-seed-5");
        Assert.That(game.Name, Is.EqualTo("random-12-seed-5"));
        Assert.That(game.Actions, Has.Count.EqualTo(12));
        var m = game.Matrix;
        for (var i = 0; i < 12; i++)
            for (var j = 0; j < 12; j++)
                Assert.That(m[i, j] + m[j, i], Is.EqualTo(1).Within(1e-15));
        Assert.That(BuiltinGames.Random(12, 5).Matrix.ToArray(), Is.EqualTo(m.ToArray()));
        Assert.That(BuiltinGames.Random(12, 6).Matrix.ToArray(), Is.Not.EqualTo(m.ToArray()));
        Assert.That(BuiltinGames.Create("random-12").Matrix.ToArray(), Is.EqualTo(BuiltinGames.Random(12, 0).Matrix.ToArray()));
    }

    [Test]
    public void Random_EntriesBelowDiagonalSpreadOverUnitInterval()
    {
        var m = BuiltinGames.Random(60, 1).Matrix;
        var below = new List<double>();
        for (var i = 0; i < 60; i++) for (var j = 0; j < i; j++) below.Add(m[i, j]);
        Assert.That(below.Average(), Is.EqualTo(0.5).Within(0.03)); // 1770 draws: sd of the mean ≈ 0.007
        Assert.That(below.Min(), Is.LessThan(0.01));
        Assert.That(below.Max(), Is.GreaterThan(0.99));
    }

    [Test]
    public void UnknownOrBadNames_Throw()
    {
        var ex = Assert.Throws<ArgumentException>(() => BuiltinGames.Create("chess"));
        Assert.That(ex!.Message, Does.Contain("chess").And.Contain("rock-paper-scissors"));
        Assert.That(BuiltinGames.TryCreate("random-x", out _), Is.False);
        Assert.Throws<ArgumentException>(() => BuiltinGames.Create("random-1"));
        Assert.Throws<ArgumentException>(() => BuiltinGames.Create("random-99999"));
        Assert.Throws<ArgumentException>(() => BuiltinGames.Create("random-5-seed-99999999999"));
    }
}
