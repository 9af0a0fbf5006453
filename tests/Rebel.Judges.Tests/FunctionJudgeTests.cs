using Rebel.Preference;

namespace Rebel.Judges.Tests;

public class FunctionJudgeTests
{
    [Test]
    public async Task PerItemAndBatchDelegates_GiveTheirValues()
    {
        using var single = new FunctionJudge("len", c => c.A.Length > c.B.Length ? 0.75 : 0.25);
        Assert.That((await single.JudgeAsync([new("", "aa", "b"), new("", "a", "bb")])).Select(v => v.P), Is.EqualTo(new[] { 0.75, 0.25 }));

        using var batch = new FunctionJudge("batch", (cs, _) => Task.FromResult<IReadOnlyList<double>>(cs.Select(c => c.Prompt == "x" ? 1.0 : 0.0).ToArray()));
        Assert.That((await batch.JudgeAsync([new("x", "a", "b"), new("y", "a", "b")])).Select(v => v.P), Is.EqualTo(new[] { 1.0, 0.0 }));
    }

    [Test]
    public void OutOfRangeValue_NamesItemAndPrompt()
    {
        using var judge = new FunctionJudge("broken", c => c.A == "bad" ? 1.5 : 0.5);
        var e = Assert.ThrowsAsync<JudgeException>(() => judge.JudgeAsync([new("first", "ok", "x"), new("second prompt", "bad", "x")]));
        Assert.That(e!.Index, Is.EqualTo(1));
        Assert.That(e.Message, Does.Contain("item 1").And.Contain("second prompt").And.Contain("1.5"));
    }

    [Test]
    public void ThrowingDelegate_AndWrongCount_AreJudgeExceptions()
    {
        using var throwing = new FunctionJudge("throws", _ => throw new InvalidOperationException("boom"));
        Assert.That(Assert.ThrowsAsync<JudgeException>(() => throwing.JudgeAsync([new("p", "a", "b")]))!.Message, Does.Contain("boom"));
        using var shortBatch = new FunctionJudge("short", (_, _) => Task.FromResult<IReadOnlyList<double>>([0.5]));
        Assert.That(Assert.ThrowsAsync<JudgeException>(() => shortBatch.JudgeAsync([new("p", "a", "b"), new("p", "a", "c")]))!.Message,
            Does.Contain("1 values for 2"));
    }

    [Test]
    public void Verdict_RejectsNaNAndOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new Verdict(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new Verdict(-0.1));
        Assert.That(Verdict.FromScores(2, 1).P, Is.EqualTo(1.0));
    }
}
