using Rebel.Judges;
using Rebel.SelfPlay.Policies;
using Rebel.SelfPlay.Tournaments;
using Rebel.Tensors;

namespace Rebel.SelfPlay.Tests.Tournaments;

/// <summary>PolicyPlayer and MixturePlayer: seeded sampling, prompt-major order, the mixture's member frequencies.</summary>
public class PlayerTests
{
    private static readonly string[] Prompts = ["p0", "p1", "p2"];

    /// <summary>A policy that (almost) always answers <paramref name="action"/>: its logit is 40 above the others.</summary>
    private static CategoricalPolicy Pure(string[] actions, string action)
    {
        var policy = new CategoricalPolicy(Prompts, actions);
        int a = Array.IndexOf(actions, action);
        for (int k = 0; k < Prompts.Length; k++) policy.Logits.AsSpan()[k * actions.Length + a] = 40;
        return policy;
    }

    [Test]
    public void PolicyPlayer_SameSeedSameTexts_PromptMajor_EqualsThePolicysOwnSample()
    {
        var actions = new[] { "a", "b", "c", "d", "e" };
        var policy = new CategoricalPolicy(Prompts, actions);
        var player = new PolicyPlayer("uniform", policy, Temperature: 1.0, MaxNewTokens: 4);

        var first = player.Complete(Prompts, 4, seed: 17);
        var again = player.Complete(Prompts, 4, seed: 17);
        var other = player.Complete(Prompts, 4, seed: 18);

        Assert.That(first, Has.Count.EqualTo(12));
        Assert.That(again, Is.EqualTo(first));
        Assert.That(other, Is.Not.EqualTo(first));
        Assert.That(first, Is.EqualTo(policy.Sample(Prompts, 4, 1.0, 4, new Rng(17)).Select(c => c.Text)));
    }

    [Test]
    public void PolicyPlayer_AnswersEachPromptFromItsOwnContext()
    {
        var actions = new[] { "x", "y" };
        var policy = new CategoricalPolicy(Prompts, actions);
        policy.Logits.AsSpan()[0 * 2 + 1] = 40; // p0 → y
        policy.Logits.AsSpan()[1 * 2 + 0] = 40; // p1 → x
        policy.Logits.AsSpan()[2 * 2 + 1] = 40; // p2 → y
        var texts = new PolicyPlayer("p", policy).Complete(Prompts, 2, seed: 1);
        Assert.That(texts, Is.EqualTo(new[] { "y", "y", "x", "x", "y", "y" }));
    }

    [Test]
    public void MixturePlayer_SamplesEachMemberInProportion()
    {
        var actions = new[] { "rock", "paper", "scissors" };
        var mixture = new MixturePlayer("avg", [Pure(actions, "rock"), Pure(actions, "paper"), Pure(actions, "scissors"), Pure(actions, "rock")]);

        var texts = mixture.Complete(Prompts, 1000, seed: 3);             // 3000 draws; rock is 2 of the 4 members

        double Share(string a) => texts.Count(t => t == a) / (double)texts.Count;
        Assert.That(texts, Has.Count.EqualTo(3000));
        Assert.That(Share("rock"), Is.EqualTo(0.5).Within(0.04));         // ± ~4.4 standard errors of a share
        Assert.That(Share("paper"), Is.EqualTo(0.25).Within(0.035));
        Assert.That(Share("scissors"), Is.EqualTo(0.25).Within(0.035));
    }

    [Test]
    public void MixturePlayer_Seeded_SameSeedSameTexts()
    {
        var actions = new[] { "a", "b", "c" };
        var mixture = new MixturePlayer("avg", [new CategoricalPolicy(Prompts, actions), Pure(actions, "c")], temperature: 0.7, maxNewTokens: 2);
        Assert.That(mixture.Complete(Prompts, 20, seed: 9), Is.EqualTo(mixture.Complete(Prompts, 20, seed: 9)));
        Assert.That(mixture.Complete(Prompts, 20, seed: 9), Is.Not.EqualTo(mixture.Complete(Prompts, 20, seed: 10)));
        Assert.That(mixture.Temperature, Is.EqualTo(0.7));
        Assert.That(mixture.MaxNewTokens, Is.EqualTo(2));
    }

    [Test]
    public void MixturePlayer_OneMember_IsThatMembersDistribution_AndNoMembersRefused()
    {
        var actions = new[] { "a", "b" };
        var texts = new MixturePlayer("single", [Pure(actions, "b")]).Complete(Prompts, 5, seed: 1);
        Assert.That(texts, Is.All.EqualTo("b"));
        Assert.Throws<ArgumentException>(() => new MixturePlayer("empty", []));
        Assert.Throws<ArgumentException>(() => new MixturePlayer(" ", [Pure(actions, "a")]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MixturePlayer("m", [Pure(actions, "a")]).Complete(Prompts, 0, 1));
    }

    [Test]
    public async Task Tournament_ReportsNonNegativePhaseTimings()
    {
        using var f = new TournamentFixture();
        var actions = new[] { "rock", "paper", "scissors" };
        var players = new ITournamentPlayer[]
        {
            new PolicyPlayer("rocky", Pure(actions, "rock")),
            new MixturePlayer("mix", [Pure(actions, "paper"), Pure(actions, "scissors")]),
        };
        using var judge = new FunctionJudge("rps", TournamentFixture.RockPaperScissors);
        var result = await Tournament.RunAsync(players, Prompts, judge, f.Out, new TournamentOptions { Samples = 4, BootstrapResamples = 20 });
        var t = result.Timings!;
        Assert.That(new[] { t.Generate, t.Judge, t.Analyse }, Is.All.GreaterThanOrEqualTo(0));
        Assert.That(t.Total, Is.EqualTo(t.Generate + t.Judge + t.Analyse));
        // the mixture plays paper (beats rock) or scissors (loses to rock), about half each
        Assert.That(result.Analysis.WinRates[1][0], Is.InRange(0.05, 0.95));
    }
}
