using Rebel.Judges.Models;
using Rebel.SelfPlay.Games;
using Rebel.SelfPlay.Games.Algorithms;
using Rebel.SelfPlay.Policies;
using Rebel.SelfPlay.Training;
using Rebel.Tensors;

namespace Rebel.SelfPlay.Tests.Games;

public class GameSelfPlayTests
{
    private static readonly GameAlgorithmInfo Prox = GameAlgorithms.Find("rebel-prox");

    [Test]
    public void Run_LogsIterationZeroEveryIntervalAndTheLast()
    {
        var result = GameSelfPlay.Run(BuiltinGames.WeightedRockPaperScissors(), Prox.Create(Prox.ExactDefaults),
            new GameRunOptions { Iterations = 25, LogEvery = 10 });
        Assert.That(result.History.Select(h => h.Iteration), Is.EqualTo(new[] { 0, 10, 20, 25 }));
        Assert.That(result.History[^1].Exploitability, Is.EqualTo(result.Exploitability));
        Assert.That(result.History[^1].AverageExploitability, Is.EqualTo(result.AverageExploitability));
        Assert.That(result.AveragePolicy.Sum(), Is.EqualTo(1).Within(1e-12));
        Assert.That(new GameRunOptions { Iterations = 2000 }.EffectiveLogEvery, Is.EqualTo(10));
    }

    [Test]
    public void Run_AveragePolicy_IsTheMeanOfTheIterates()
    {
        var game = BuiltinGames.Random(4, 1);
        var one = GameSelfPlay.Run(game, Prox.Create(Prox.ExactDefaults), new GameRunOptions { Iterations = 1 });
        var zero = GameSelfPlay.Run(game, Prox.Create(Prox.ExactDefaults), new GameRunOptions { Iterations = 0 });
        Assert.That(zero.AveragePolicy, Is.EqualTo(zero.Policy).Within(1e-15));
        var expected = zero.Policy.Zip(one.Policy, (a, b) => (a + b) / 2);
        Assert.That(one.AveragePolicy, Is.EqualTo(expected).Within(1e-15));
    }

    [Test]
    public void Run_UniformStart_OnRockPaperScissors_StaysAtTheEquilibrium()
    {
        var result = GameSelfPlay.Run(BuiltinGames.RockPaperScissors(), GameAlgorithms.Find("rebel").Create(new()),
            new GameRunOptions { Iterations = 50, InitialScale = 0 });
        Assert.That(result.Policy, Is.EqualTo(new[] { 1 / 3.0, 1 / 3.0, 1 / 3.0 }).Within(1e-12));
        Assert.That(result.Exploitability, Is.LessThan(1e-12));
    }

    [Test]
    public void Run_Sampled_DependsOnTheSeed()
    {
        var game = BuiltinGames.Random(5, 2);
        GameRunResult Go(int seed) => GameSelfPlay.Run(game, Prox.Create(Prox.SampledDefaults),
            new GameRunOptions { Iterations = 50, Samples = 10, Seed = seed });
        Assert.That(Go(1).Policy, Is.EqualTo(Go(1).Policy));
        Assert.That(Go(1).Policy, Is.Not.EqualTo(Go(2).Policy));
    }

    [Test]
    public async Task Run_Sampled_IsTheRebelTrainerOnACategoricalPolicy()
    {
        // Sampled mode, with its trainer run kept, and the same run set up by hand on RebelTrainer: the same π_T, bit for bit.
        var dir = Directory.CreateTempSubdirectory("rebel-game-trainer-").FullName;
        try
        {
            var game = BuiltinGames.Random(5, 2);
            var knobs = Prox.SampledDefaults with { MagnetInterval = 10 };
            Assert.That(knobs.MagnetMixing, Is.GreaterThan(0), "the by-hand run must repeat the magnet's mixing");
            var result = GameSelfPlay.Run(game, Prox.Create(knobs),
                new GameRunOptions { Iterations = 30, Samples = 10, Seed = 4, RunDirectory = Path.Combine(dir, "game") });

            var initial = GameSelfPlay.GaussianLogits(5, 1, 4);
            CategoricalPolicy Start()
            {
                var policy = new CategoricalPolicy(["play"], game.Actions);
                for (var a = 0; a < 5; a++) policy.Logits.AsSpan()[a] = (float)initial[a];
                return policy;
            }
            var byHand = Start();
            var uniform = new CategoricalPolicy(["play"], game.Actions);                 // π_ref: the magnet's start and mixture
            var options = new RebelOptions
            {
                Loss = "rebel", Eta = knobs.Eta, Beta = knobs.Beta, MagnetResetInterval = 10, MagnetMixing = knobs.MagnetMixing, Iterations = 30,
                PromptsPerIteration = 1, MinibatchPrompts = 1, SamplesPerPrompt = 20, Pairing = PairingScheme.Adjacent,
                Epochs = knobs.Epochs, LearningRate = knobs.LearningRate, WeightDecay = 0, MaxGradNorm = 0, MaxNewTokens = 1,
                PenalizeUnfinished = false, BatchWinRate = false, EvalInterval = 0, CheckpointInterval = 0, Seed = Rng.DeriveSeed(4, 2),
            };
            using var judge = new PreferenceModelJudge(game);
            await new RebelTrainer(byHand, uniform, options, Path.Combine(dir, "hand")) { TrainPrompts = ["play"], Judge = judge }.RunAsync();

            Assert.That(result.Policy, Is.EqualTo(byHand.Probabilities("play").Select(p => (double)p).ToArray()));
            var rows = MetricsLog.Read(Path.Combine(dir, "game", "metrics.jsonl"));
            Assert.That(rows, Has.Count.EqualTo(30));
            Assert.That(rows[0]["judge/calls"], Is.EqualTo(10), "S = 10 pairs judged by the game");
            Assert.That(rows[0].Keys, Does.Contain("loss/rebel"));
            Assert.That(new CheckpointStore(Path.Combine(dir, "game")).List().Select(c => c.Iteration), Is.EqualTo(new[] { 30 }));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void SampledTraining_OfRebelProx_CarriesTheMagnetAndItsMixing()
    {
        var training = Prox.Create(Prox.SampledDefaults).SampledTraining;
        Assert.That(training.MagnetResetInterval, Is.EqualTo(Prox.SampledDefaults.MagnetInterval));
        Assert.That(training.MagnetMixing, Is.EqualTo(Prox.SampledDefaults.MagnetMixing));
        Assert.That(Prox.Create(Prox.SampledDefaults with { MagnetInterval = 0 }).SampledTraining.MagnetMixing, Is.Zero, "no magnet, no mixing");
    }

    [TestCase("rebel", "rebel", false)]
    [TestCase("rebel-optimistic", "rebel", true)]
    [TestCase("sppo", "sppo", false)]
    [TestCase("nash-md", "nash-md", false)]
    [TestCase("ipo", "ipo", false)]
    public void SampledTraining_NamesTheTrainersLoss(string algorithm, string loss, bool optimistic)
    {
        var info = GameAlgorithms.Find(algorithm);
        var training = info.Create(info.SampledDefaults).SampledTraining;
        Assert.That(training.Loss, Is.EqualTo(loss));
        Assert.That(training.Optimistic, Is.EqualTo(optimistic));
        Assert.That(training.Eta, Is.EqualTo(info.SampledDefaults.Eta));
        Assert.That(training.Beta, Is.EqualTo(info.SampledDefaults.Beta));
    }

    [Test]
    public void Run_BadOptions_Throw()
    {
        var game = BuiltinGames.RockPaperScissors();
        var algorithm = Prox.Create(Prox.ExactDefaults);
        Assert.Throws<ArgumentOutOfRangeException>(() => GameSelfPlay.Run(game, algorithm, new GameRunOptions { Iterations = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => GameSelfPlay.Run(game, algorithm, new GameRunOptions { Samples = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => GameSelfPlay.Run(game, algorithm, new GameRunOptions { InitialScale = -1 }));
    }

    [Test]
    public void ResultJson_HasTheContractFields()
    {
        var result = GameSelfPlay.Run(BuiltinGames.CondorcetWinner(), Prox.Create(Prox.ExactDefaults), new GameRunOptions { Iterations = 20 });
        using var doc = System.Text.Json.JsonDocument.Parse(GameRunResultJson.Serialize(result));
        var root = doc.RootElement;
        Assert.That(root.GetProperty("policy").GetArrayLength(), Is.EqualTo(4));
        Assert.That(root.GetProperty("average_policy").GetArrayLength(), Is.EqualTo(4));
        Assert.That(root.GetProperty("exploitability").GetDouble(), Is.EqualTo(result.Exploitability));
        Assert.That(root.GetProperty("history")[0].GetProperty("iteration").GetInt32(), Is.EqualTo(0));
        Assert.That(root.GetProperty("samples").ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.Null));
        Assert.That(root.GetProperty("options").GetProperty("eta").GetDouble(), Is.EqualTo(Prox.ExactDefaults.Eta));
    }
}
