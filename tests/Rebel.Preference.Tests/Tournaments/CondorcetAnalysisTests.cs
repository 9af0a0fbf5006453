using Rebel.Preference.Tournaments;

namespace Rebel.Preference.Tests.Tournaments;

public class CondorcetAnalysisTests
{
    [Test]
    public void Analyze_RockPaperScissors_OneCycleNoWinner()
    {
        var a = CondorcetAnalysis.Analyze(PreferenceMatrixTests.RockPaperScissors());
        Assert.That(a.Winner, Is.Null);
        Assert.That(a.CycleCount, Is.EqualTo(1));
        // rock (0) loses to paper (1): the cycle starting at 0 is 0 ≻ 2 ≻ 1 ≻ 0
        Assert.That(a.Cycles, Is.EqualTo(new[] { new CondorcetCycle(0, 2, 1) }));
    }

    [Test]
    public void Analyze_Winner_AndCycleAmongTheRest()
    {
        var w = new double[,]
        {
            { 0.5, 0.9, 0.2, 0.1 },
            { 0.1, 0.5, 0.8, 0.4 },
            { 0.8, 0.2, 0.5, 0.3 },
            { 0.9, 0.6, 0.7, 0.5 },
        };
        var a = CondorcetAnalysis.Analyze(w);
        Assert.That(a.Winner, Is.EqualTo(3));
        Assert.That(a.Cycles, Is.EqualTo(new[] { new CondorcetCycle(0, 1, 2) }));
    }

    [Test]
    public void Analyze_TiesAreNotEdges()
    {
        var w = new double[,] { { 0.5, 0.5, 0.5 }, { 0.5, 0.5, 0.5 }, { 0.5, 0.5, 0.5 } };
        var a = CondorcetAnalysis.Analyze(w);
        Assert.That(a.Winner, Is.Null);
        Assert.That(a.CycleCount, Is.EqualTo(0));
    }

    [Test]
    public void Analyze_CountsAllCycles_ButCapsTheListing()
    {
        // a regular tournament on 7 players (i beats i+1, i+2, i+3 mod 7) has 14 cyclic triples
        var w = new double[7, 7];
        for (int i = 0; i < 7; i++)
            for (int j = 0; j < 7; j++)
                w[i, j] = i == j ? 0.5 : (j - i + 7) % 7 <= 3 ? 0.8 : 0.2;
        var a = CondorcetAnalysis.Analyze(w, maxListedCycles: 5);
        Assert.That(a.CycleCount, Is.EqualTo(14));
        Assert.That(a.Cycles, Has.Count.EqualTo(5));
        foreach (var c in a.Cycles)
            Assert.That(w[c.First, c.Second] > 0.5 && w[c.Second, c.Third] > 0.5 && w[c.Third, c.First] > 0.5, Is.True);
    }

    [Test]
    public void Analyze_BadInput_Throws()
    {
        Assert.Throws<ArgumentException>(() => CondorcetAnalysis.Analyze(new double[2, 3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => CondorcetAnalysis.Analyze(new double[2, 2], -1));
    }
}
