using Rebel.Judges.Composite;
using Rebel.Judges.Rules;
using Rebel.Preference;

namespace Rebel.Judges.Tests.Composite;

public class VoteJudgeTests
{
    private const string Prompt = "Describe the river forest mountain";
    // length(10): a ≻ b ≻ c (10, 8, 5 words); keywords: b ≻ c ≻ a (1, ½, 0); diversity: c ≻ a ≻ b (1, 0.9, 0.5).
    private const string A = "the cat sat on a warm mat by the door";
    private const string B = "river forest mountain describe river forest river forest";
    private const string C = "river and forest are green";

    private static VoteJudge Criteria(VoteRule rule) =>
        new([new LengthJudge(10), new KeywordCoverageJudge(), new DiversityJudge()], rule);

    [Test]
    public async Task Majority_OfThreeTransitiveCriteria_IsACondorcetCycle()
    {
        using var vote = Criteria(VoteRule.Majority);
        var v = await vote.JudgeAsync([new(Prompt, A, B), new(Prompt, B, C), new(Prompt, C, A)]);
        Assert.That(v.Select(x => x.P), Is.EqualTo(new[] { 1.0, 1.0, 1.0 }), "a ≻ b, b ≻ c and c ≻ a");
        Assert.That(v[0].Rationale, Is.EqualTo("length(10)=1, keywords=0, diversity=1"));

        // Each criterion alone is transitive on the same triple.
        foreach (var member in vote.Members)
        {
            var m = await member.JudgeAsync([new(Prompt, A, B), new(Prompt, B, C), new(Prompt, C, A)]);
            Assert.That(m.Count(x => x.P == 1.0), Is.LessThan(3), member.Id);
        }
    }

    [Test]
    public async Task Mean_OfThreeCriteria_IsTwoThirdsAroundTheCycle()
    {
        using var vote = Criteria(VoteRule.Mean);
        var v = await vote.JudgeAsync([new(Prompt, A, B), new(Prompt, B, C), new(Prompt, C, A)]);
        Assert.That(v.Select(x => x.P), Is.EqualTo(new[] { 2.0 / 3, 2.0 / 3, 2.0 / 3 }).Within(1e-12));
        Assert.That(vote.Id, Is.EqualTo("mean(length(10),keywords,diversity)"));
    }

    [Test]
    public async Task WeightedMajority_HeavyMemberWins()
    {
        var heavy = new FunctionJudge("yes", _ => 1.0);
        var light = new FunctionJudge("no", _ => 0.0);
        using var vote = new VoteJudge([(heavy, 3.0), (light, 1.0), (light, 1.0)]);
        Assert.That((await vote.JudgeAsync([new("", "x", "y")]))[0].P, Is.EqualTo(1.0));
        Assert.That(vote.Id, Is.EqualTo("vote(3*yes,no,no)"));
        using var tie = new VoteJudge([heavy, light, new FunctionJudge("half", _ => 0.5)]);
        Assert.That((await tie.JudgeAsync([new("", "x", "y")]))[0].P, Is.EqualTo(0.5));
    }

    [Test]
    public void Constructor_RejectsEmptyAndBadWeights()
    {
        Assert.Throws<ArgumentException>(() => _ = new VoteJudge(Array.Empty<IPairwiseJudge>()));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new VoteJudge([(new DiversityJudge(), 0.0)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new VoteJudge([(new DiversityJudge(), double.NaN)]));
    }

    [Test]
    public void MemberFailure_Propagates()
    {
        using var vote = new VoteJudge([new DiversityJudge(), new FunctionJudge("bad", _ => 2.0)]);
        var e = Assert.ThrowsAsync<JudgeException>(() => vote.JudgeAsync([new("p", "x", "y")]));
        Assert.That(e!.Message, Does.Contain("bad").And.Contain("item 0"));
    }
}
