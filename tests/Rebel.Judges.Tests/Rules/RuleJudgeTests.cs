using Rebel.Judges.Rules;
using Rebel.Preference;

namespace Rebel.Judges.Tests.Rules;

public class RuleJudgeTests
{
    private static double P(IPairwiseJudge judge, string prompt, string a, string b) =>
        judge.JudgeAsync([new Comparison(prompt, a, b)]).Result[0].P;

    [Test]
    public void Length_PrefersCloserToTarget_TiesOnEqualDistance()
    {
        var judge = new LengthJudge(4);
        Assert.That(judge.Score("", "one two three four"), Is.EqualTo(0));
        Assert.That(judge.Score("", "one two"), Is.EqualTo(-2));
        Assert.That(P(judge, "", "one two three", "one two three four five six"), Is.EqualTo(1.0));
        Assert.That(P(judge, "", "one two three four five six", "one two three"), Is.EqualTo(0.0));
        Assert.That(P(judge, "", "one two three", "one two three four five"), Is.EqualTo(0.5));
        Assert.That(judge.Id, Is.EqualTo("length(4)"));
        Assert.That(new LengthJudge().Id, Is.EqualTo("length"));
    }

    [Test]
    public void Length_NonPositiveTarget_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new LengthJudge(0));

    [Test]
    public void Keywords_CoverageOfPromptKeywords()
    {
        var judge = new KeywordCoverageJudge();
        const string prompt = "Write about the river and the forest";
        Assert.That(judge.Keywords(prompt), Is.EquivalentTo(new[] { "river", "forest" }));
        Assert.That(judge.Score(prompt, "The River runs."), Is.EqualTo(0.5));
        Assert.That(judge.Score(prompt, "A forest by a river."), Is.EqualTo(1.0));
        Assert.That(P(judge, prompt, "forest river", "river"), Is.EqualTo(1.0));
        Assert.That(P(judge, "a an the", "x", "y"), Is.EqualTo(0.5), "no keywords: tie");
    }

    [Test]
    public void Keywords_FixedListAndEmptyList()
    {
        var judge = new KeywordCoverageJudge(["Alpha", "beta"]);
        Assert.That(judge.Score("anything", "alpha and gamma"), Is.EqualTo(0.5));
        Assert.That(judge.Id, Is.EqualTo("keywords(alpha|beta)"));
        Assert.Throws<ArgumentException>(() => _ = new KeywordCoverageJudge([" "]));
    }

    [Test]
    public void Brevity_FewerWordsWin()
    {
        var judge = new BrevityJudge();
        Assert.That(judge.Score("", "red apple, old lamp."), Is.EqualTo(-4.0));
        Assert.That(P(judge, "", "apple lamp", "red apple lamp"), Is.EqualTo(1.0));
        Assert.That(P(judge, "", "one two", "three, four!"), Is.EqualTo(0.5));
    }

    [Test]
    public void Diversity_ShareOfDistinctWords()
    {
        var judge = new DiversityJudge();
        Assert.That(judge.Score("", "a b a b"), Is.EqualTo(0.5));
        Assert.That(judge.Score("", "..."), Is.EqualTo(0.0));
        Assert.That(P(judge, "", "red green blue", "red red red"), Is.EqualTo(1.0));
    }

    [Test]
    public void Format_CountsPassedChecks()
    {
        var judge = new FormatJudge();
        Assert.That(judge.Score("", "A tidy sentence (with brackets)."), Is.EqualTo(4));
        Assert.That(judge.Score("", "the the  end (open"), Is.EqualTo(0));
        Assert.That(judge.Score("", "Starts well but never ends"), Is.EqualTo(3));
        Assert.That(P(judge, "", "Fine.", "fine"), Is.EqualTo(1.0));
    }

    [Test]
    public void RuleJudges_AreSkewSymmetricAndTransitive_OnRandomTexts()
    {
        var random = new Random(7);
        string[] vocabulary = ["river", "forest", "stone", "the", "a", "Light", "dark", "."];
        string Text() => string.Join(' ', Enumerable.Range(0, random.Next(0, 12)).Select(_ => vocabulary[random.Next(vocabulary.Length)]));
        RuleJudge[] judges = [new LengthJudge(5), new KeywordCoverageJudge(), new DiversityJudge(), new FormatJudge()];
        const string prompt = "Tell me about the river forest stone";
        foreach (var judge in judges)
        {
            for (int t = 0; t < 200; t++)
            {
                string x = Text(), y = Text(), z = Text();
                double xy = P(judge, prompt, x, y), yz = P(judge, prompt, y, z), xz = P(judge, prompt, x, z);
                Assert.That(xy + P(judge, prompt, y, x), Is.EqualTo(1.0), judge.Id);
                if (xy == 1.0 && yz == 1.0) Assert.That(xz, Is.EqualTo(1.0), $"{judge.Id}: transitivity on {x} | {y} | {z}");
            }
        }
    }
}
