using Rebel.Judges.Spec;
using Rebel.Models.Gpt2;
using Rebel.Models.Tokenization;
using Rebel.SelfPlay.Policies;
using Rebel.SelfPlay.Training;
using Rebel.Tensors;

namespace Rebel.SelfPlay.Tests.Training;

/// <summary>Language-model self-play: a tiny GPT-2 trained by REBEL against a vote of three rule judges.</summary>
public class TransformerSelfPlayTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rebel-lm-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static readonly string[] Prompts =
        ["Describe the quiet river", "Praise the morning light", "Tell of a brave small fox", "Name three green fields",
         "Sing about the cold wind", "Recall an old stone bridge", "Explain the bright stars", "Paint the autumn forest"];

    private static HuggingFaceTokenizer Tokenizer() => BpeTrainer.Train(
        Prompts.Concat(["the river runs quiet and deep", "light falls on green fields", "a fox crossed the old bridge",
                        "stars shine bright over the forest", "cold wind sings in autumn"]),
        new BpeTrainerOptions { VocabSize = 320 });

    private static TransformerPolicy TinyPolicy(ITokenizer tokenizer, ulong seed) =>
        new(new Gpt2Model(new Gpt2Config(tokenizer.VocabSize, ContextLength: 48, EmbeddingSize: 48, Layers: 2, Heads: 2, EosTokenId: tokenizer.EosId), seed), tokenizer);

    [Test]
    public async Task SelfPlay_AgainstAVoteJudge_BeatsTheStartingPolicy()
    {
        var tokenizer = Tokenizer();
        var policy = TinyPolicy(tokenizer, 7);
        var start = policy.Snapshot();
        var options = new RebelOptions
        {
            Iterations = 20, PromptsPerIteration = 8, MinibatchPrompts = 4, SamplesPerPrompt = 4, Epochs = 2,
            LearningRate = 1e-3, WeightDecay = 0, MaxNewTokens = 12, PenalizeUnfinished = false, Eta = 4,
            CheckpointInterval = 0, EvalInterval = 0, Seed = 3,
        };
        using var judge = JudgeSpec.Parse("vote(length(6),diversity,keywords)");
        var trainer = new RebelTrainer(policy, start, options, Path.Combine(_dir, "run")) { TrainPrompts = Prompts, Judge = judge };
        await trainer.RunAsync();
        var evalPrompts = Enumerable.Range(0, 24).SelectMany(_ => Prompts).ToList();
        double winRate = await trainer.WinRateAgainstReferenceAsync(evalPrompts);
        Assert.That(winRate, Is.GreaterThan(0.5), "π_T should beat π_0 under the training judge");
        TestContext.Out.WriteLine($"win rate of π_T vs π_0: {winRate:F3}");
    }

    [Test]
    public void Snapshot_IsFrozen_AndLogProbsMatchTheLiveModelUntilItChanges()
    {
        var policy = TinyPolicy(Tokenizer(), 1);
        var frozen = policy.Snapshot();
        Assert.That(frozen.Parameters, Is.Empty);
        var completions = policy.Sample(["Name three green fields"], 3, 1.0, 8, new Rng(1));
        using (Tensor.NoGrad())
        {
            Assert.That(frozen.LogProbs(completions, 1.0).ToArray(), Is.EqualTo(policy.LogProbs(completions, 1.0).ToArray()));
            policy.Model.Parameters[0].Value.AsSpan()[0] += 1f;
            Assert.That(frozen.LogProbs(completions, 1.0).ToArray(), Is.Not.EqualTo(policy.LogProbs(completions, 1.0).ToArray()));
        }
    }

    [Test]
    public void Sample_IsReproducible_AndEncodeAppendsEos()
    {
        var policy = TinyPolicy(Tokenizer(), 2);
        var a = policy.Sample(Prompts[..2], 2, 1.0, 6, new Rng(9));
        var b = policy.Sample(Prompts[..2], 2, 1.0, 6, new Rng(9));
        Assert.That(a.Select(c => c.Tokens), Is.EqualTo(b.Select(c => c.Tokens)));
        Assert.That(a.Select(c => c.Prompt), Is.EqualTo(new[] { Prompts[0], Prompts[0], Prompts[1], Prompts[1] }));
        var encoded = policy.Encode("x", "the river");
        Assert.That(encoded.Tokens[^1], Is.EqualTo(policy.EosId));
        Assert.That(encoded.EndsWithEos, Is.True);
    }
}
