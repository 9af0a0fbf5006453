using Rebel.Judges.Models;
using Rebel.Preference;
using Rebel.Preference.Models;

namespace Rebel.Judges.Tests.Models;

public class ModelJudgeTests
{
    private sealed class LengthReward(Func<string, double> reward) : IRewardModel
    {
        public int Calls;
        public int Items;
        public string Name => "len";

        public double[] Rewards(IReadOnlyList<(string Prompt, string Completion)> items)
        {
            Calls++;
            Items += items.Count;
            return items.Select(i => reward(i.Completion)).ToArray();
        }
    }

    private sealed class TablePreference(Func<Comparison, double> p) : IPreferenceModel
    {
        public string Name => "table";
        public double[] PreferenceProbabilities(IReadOnlyList<Comparison> comparisons) => comparisons.Select(p).ToArray();
    }

    [Test]
    public async Task RewardModelJudge_IsSigmoidOfRewardDifference_ScoringEachCompletionOnce()
    {
        var model = new LengthReward(c => c.Length);
        using var judge = new RewardModelJudge(model);
        var v = await judge.JudgeAsync([new("p", "abc", "a"), new("p", "a", "abc"), new("p", "abc", "ab")]);
        Assert.That(v[0].P, Is.EqualTo(1 / (1 + Math.Exp(-2))).Within(1e-12));
        Assert.That(v[0].P + v[1].P, Is.EqualTo(1.0).Within(1e-12));
        Assert.That(v[2].P, Is.EqualTo(1 / (1 + Math.Exp(-1))).Within(1e-12));
        Assert.That((model.Calls, model.Items), Is.EqualTo((1, 3)), "three distinct completions, one call");
        Assert.That(judge.Id, Is.EqualTo("reward:len"));
    }

    [Test]
    public void RewardModelJudge_NonFiniteReward_NamesItem()
    {
        using var judge = new RewardModelJudge(new LengthReward(c => c == "x" ? double.NaN : 0));
        var e = Assert.ThrowsAsync<JudgeException>(() => judge.JudgeAsync([new("p", "a", "b"), new("q", "x", "b")]));
        Assert.That(e!.Index, Is.EqualTo(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new RewardModelJudge(new LengthReward(_ => 0), temperature: 0));
    }

    [Test]
    public async Task PreferenceModelJudge_PassesProbabilitiesThrough_AndRejectsBadOnes()
    {
        using var judge = new PreferenceModelJudge(new TablePreference(c => c.A == "rock" && c.B == "scissors" ? 0.9 : 0.4));
        var v = await judge.JudgeAsync([new("", "rock", "scissors"), new("", "paper", "rock")]);
        Assert.That(v.Select(x => x.P), Is.EqualTo(new[] { 0.9, 0.4 }));
        Assert.That(judge.Id, Is.EqualTo("model:table"));

        using var bad = new PreferenceModelJudge(new TablePreference(_ => -1));
        Assert.That(Assert.ThrowsAsync<JudgeException>(() => bad.JudgeAsync([new("", "a", "b")]))!.Message, Does.Contain("-1"));
    }
}
