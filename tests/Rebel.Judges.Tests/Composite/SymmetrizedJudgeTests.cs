using Rebel.Judges.Composite;
using Rebel.Preference;

namespace Rebel.Judges.Tests.Composite;

public class SymmetrizedJudgeTests
{
    [Test]
    public async Task FirstPositionBias_BecomesATie()
    {
        using var judge = new SymmetrizedJudge(new FunctionJudge("first", _ => 1.0));
        var v = await judge.JudgeAsync([new("p", "x", "y"), new("p", "long", "s")]);
        Assert.That(v.Select(x => x.P), Is.EqualTo(new[] { 0.5, 0.5 }));
        Assert.That(judge.Id, Is.EqualTo("symmetrize(first)"));
    }

    [Test]
    public async Task AveragesBothOrders_AndSumsToOne()
    {
        // Inner: P(a ≻ b) = 0.9 when a is longer, plus a first-position bonus of 0.1 (clamped).
        using var judge = new SymmetrizedJudge(new FunctionJudge("biased", c => Math.Min(1.0, (c.A.Length > c.B.Length ? 0.8 : 0.2) + 0.1)));
        var v = await judge.JudgeAsync([new("p", "long", "s"), new("p", "s", "long")]);
        // ½ (0.9 + 1 − 0.3) = 0.8
        Assert.That(v[0].P, Is.EqualTo(0.8).Within(1e-12));
        Assert.That(v[0].P + v[1].P, Is.EqualTo(1.0).Within(1e-12));
    }

    [Test]
    public void InnerFailureOnSwappedItem_NamesTheOriginalItem()
    {
        using var judge = new SymmetrizedJudge(new FunctionJudge("picky", c => c.A == "bad" ? double.NaN : 0.5));
        var e = Assert.ThrowsAsync<JudgeException>(() => judge.JudgeAsync([new("p0", "x", "y"), new("p1", "ok", "bad")]));
        Assert.That(e!.Index, Is.EqualTo(1));
        Assert.That(e.Message, Does.Contain("swapped").And.Contain("p1"));
    }
}
