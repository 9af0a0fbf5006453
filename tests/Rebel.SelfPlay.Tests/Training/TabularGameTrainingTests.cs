using Rebel.Judges;
using Rebel.Preference;
using Rebel.SelfPlay.Games;
using Rebel.SelfPlay.Policies;
using Rebel.SelfPlay.Training;

namespace Rebel.SelfPlay.Tests.Training;

/// <summary>The REBEL trainer on a game: a <see cref="TabularPolicy"/> handed over as an <see cref="IPolicy"/>, judged by <see cref="GameJudge"/>.</summary>
public class TabularGameTrainingTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rebel-tabular-game-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public async Task RebelTrainer_TabularPolicyThroughIPolicy_OnAGameJudge_ApproachesTheMinimaxWinner()
    {
        var game = BuiltinGames.CondorcetWinner();
        var start = new TabularPolicy(game.Actions, ["play"]);
        start.Logits()[1] = 1.5; // π_0 favours "a", which the winner beats and "c" beats
        IPolicy policy = start.AsPolicy();
        using var judge = new GameJudge(game);
        var options = new RebelOptions
        {
            Iterations = 25, PromptsPerIteration = 2, MinibatchPrompts = 2, SamplesPerPrompt = 8, Epochs = 2,
            LearningRate = 0.1, WeightDecay = 0, CheckpointInterval = 25, EvalInterval = 0, Seed = 3, Eta = 1.0,
        };
        await new RebelTrainer(policy, start.AsPolicy(), options, Path.Combine(_dir, "run"))
        { TrainPrompts = ["play"], Judge = judge }.RunAsync();

        var trained = TabularPolicy.FromPolicy((CategoricalPolicy)policy);
        var before = game.Preference.Exploitability(start.Probabilities());
        var after = game.Preference.Exploitability(trained.Probabilities());
        Assert.That(before, Is.GreaterThan(0.1));
        Assert.That(after, Is.LessThan(0.03), $"exploitability {before:F3} → {after:F3}"); // measured 0.113 → 0.008
        Assert.That(trained.Probabilities()[0], Is.EqualTo(trained.Probabilities().Max()), "the Condorcet winner leads");
        var rows = MetricsLog.Read(Path.Combine(_dir, "run", "metrics.jsonl"));
        Assert.That(rows[0]["judge/calls"], Is.EqualTo(2 * 28)); // 2 prompts × K(K−1)/2 = 28 pairs, all judged by the game
    }

    [Test]
    public void AsPolicy_FromPolicy_RoundTripTheLogitsAndAreIndependentCopies()
    {
        var tabular = new TabularPolicy(["x", "y", "z"], ["p", "q"]);
        tabular.Logits(0)[2] = 0.75;
        tabular.Logits(1)[0] = -1.25;
        var policy = tabular.AsPolicy();
        Assert.That(policy.Contexts, Is.EqualTo(new[] { "p", "q" }));
        Assert.That(policy.Actions, Is.EqualTo(new[] { "x", "y", "z" }));
        Assert.That(policy.Probabilities("q"), Is.EqualTo(tabular.Probabilities(1)).Within(1e-6));
        using (Rebel.Tensors.Tensor.NoGrad())
        {
            var logProbs = policy.LogProbs([policy.Encode("p", "z")], 1.0).ToArray();
            Assert.That(logProbs[0], Is.EqualTo(tabular.LogProbability(2, 0)).Within(1e-6));
        }

        policy.Logits.AsSpan()[0] = 5; // training the copy leaves the original alone
        Assert.That(tabular.Logits(0)[0], Is.EqualTo(0));
        var back = TabularPolicy.FromPolicy(policy);
        Assert.That(back.Logits(0)[0], Is.EqualTo(5));
        Assert.That(back.Logits(1)[0], Is.EqualTo(-1.25));
        Assert.That(back.Contexts, Is.EqualTo(new[] { "p", "q" }));
    }

    [Test]
    public async Task GameJudge_AnswersThePreferenceMatrix_AndNamesUnknownActions()
    {
        using var judge = new GameJudge(BuiltinGames.WeightedRockPaperScissors());
        var verdicts = await judge.JudgeAsync([new Comparison("any", "paper", "rock"), new Comparison("other", "rock", "scissors")]);
        Assert.That(verdicts.Select(v => v.P), Is.EqualTo(new[] { 0.7, 0.9 }));
        Assert.That(judge.Id, Is.EqualTo("game:weighted-rps"));
        var error = Assert.ThrowsAsync<JudgeException>(() => judge.JudgeAsync([new Comparison("x", "rock", "lizard")]));
        Assert.That(error!.Message, Does.Contain("\"lizard\" is not an action of weighted-rps"));
        Assert.That(() => new GameJudge(null!), Throws.ArgumentNullException);
    }
}
