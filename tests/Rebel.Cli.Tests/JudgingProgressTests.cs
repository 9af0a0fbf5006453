using Rebel.Cli.Progress;
using Rebel.Judges.Rules;
using Rebel.Preference;

namespace Rebel.Cli.Tests;

public class JudgingProgressTests
{
    [Test]
    public async Task Wrap_CountsJudgedPairs_AndPassesVerdictsAndIdThrough()
    {
        var lines = new StringWriter();
        using var inner = new LengthJudge(2);
        var progress = JudgingProgress.ForLines(lines, total: 4, interval: TimeSpan.Zero);
        var judge = progress.Wrap(inner);
        Comparison[] batch = [new("p", "one two", "one"), new("p", "one", "one two three")];
        var verdicts = await judge.JudgeAsync(batch);
        await judge.JudgeAsync(batch);
        Assert.That(judge.Id, Is.EqualTo(inner.Id));
        Assert.That(verdicts.Select(v => v.P), Is.EqualTo((await inner.JudgeAsync(batch)).Select(v => v.P)));
        var printed = lines.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(printed, Has.Length.EqualTo(2));
        Assert.That(printed[0], Does.StartWith("judging: 2/4 pairs"));
        Assert.That(printed[1], Does.StartWith("judging: 4/4 pairs"));
    }
}
