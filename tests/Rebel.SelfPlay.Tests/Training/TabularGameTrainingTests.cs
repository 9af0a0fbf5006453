using Rebel.Judges;
using Rebel.Judges.Models;
using Rebel.Preference;
using Rebel.SelfPlay.Games;
using Rebel.SelfPlay.Policies;
using Rebel.SelfPlay.Training;

namespace Rebel.SelfPlay.Tests.Training;

/// <summary>The REBEL trainer on a game, entirely on the main stack: a <see cref="CategoricalPolicy"/> judged by a
/// <see cref="PreferenceModelJudge"/> over the game's matrix preference model.</summary>
public class TabularGameTrainingTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rebel-tabular-game-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static CategoricalPolicy Start(IReadOnlyList<string> actions)
    {
        var policy = new CategoricalPolicy(["play"], actions);
        policy.Logits.AsSpan()[1] = 1.5f; // π_0 favours "a", which the winner beats and "c" beats
        return policy;
    }

    private static double[] Probabilities(CategoricalPolicy policy) =>
        policy.Probabilities("play").Select(p => (double)p).ToArray();

    [Test]
    public async Task RebelTrainer_CategoricalPolicy_OnAMatrixPreferenceModelJudge_ApproachesTheMinimaxWinner()
    {
        var game = BuiltinGames.CondorcetWinner();
        var policy = Start(game.Actions);
        using var judge = new PreferenceModelJudge(game);
        var options = new RebelOptions
        {
            Iterations = 25, PromptsPerIteration = 2, MinibatchPrompts = 2, SamplesPerPrompt = 8, Epochs = 2,
            LearningRate = 0.1, WeightDecay = 0, CheckpointInterval = 25, EvalInterval = 0, Seed = 3, Eta = 1.0,
        };
        var before = game.Matrix.Exploitability(Probabilities(policy));
        await new RebelTrainer(policy, Start(game.Actions), options, Path.Combine(_dir, "run"))
        { TrainPrompts = ["play"], Judge = judge }.RunAsync();

        var trained = Probabilities(policy);
        var after = game.Matrix.Exploitability(trained);
        Assert.That(before, Is.GreaterThan(0.1));
        Assert.That(after, Is.LessThan(0.03), $"exploitability {before:F3} → {after:F3}"); // measured 0.113 → 0.008
        Assert.That(trained[0], Is.EqualTo(trained.Max()), "the Condorcet winner leads");
        var rows = MetricsLog.Read(Path.Combine(_dir, "run", "metrics.jsonl"));
        Assert.That(rows[0]["judge/calls"], Is.EqualTo(2 * 28)); // 2 prompts × K(K−1)/2 = 28 pairs, all judged by the game
    }

    [Test]
    public async Task PreferenceModelJudge_OnAGame_AnswersThePreferenceMatrix_AndNamesUnknownActions()
    {
        using var judge = new PreferenceModelJudge(BuiltinGames.WeightedRockPaperScissors());
        var verdicts = await judge.JudgeAsync([new Comparison("any", "paper", "rock"), new Comparison("other", "rock", "scissors")]);
        Assert.That(verdicts.Select(v => v.P), Is.EqualTo(new[] { 0.7, 0.9 }));
        Assert.That(judge.Id, Is.EqualTo("model:weighted-rps"));
        var error = Assert.ThrowsAsync<JudgeException>(() => judge.JudgeAsync([new Comparison("x", "rock", "lizard")]));
        Assert.That(error!.Message, Does.Contain("\"lizard\" is not an action of \"weighted-rps\"").And.Contain("model:weighted-rps"));
    }
}
