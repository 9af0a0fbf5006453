using System.Text.Json;
using Rebel.Models.Data;
using Rebel.Models.Gpt2;
using Rebel.Models.Prompts;
using Rebel.Models.Tokenization;
using Rebel.Models.Training;
using Rebel.SelfPlay.Pipeline;
using Rebel.Tensors;

namespace Rebel.SelfPlay.Tests.Pipeline;

/// <summary>The <c>reference</c> stage of <c>rebel train</c> builds the SFT reference as <c>rebel sft --config</c> does.</summary>
public class ReferenceStageTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rebel-reference-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void Build_InitializesFromTheSeedsOwnStream_AndTrainsWithTheSeedItself()
    {
        // the same steps spelled out: tokenizer, a fresh GPT-2 drawn from DeriveSeed(seed, InitializationStream), SFT
        // whose split and batch order draw from the seed itself; with the seed itself as the initializer's (the two
        // sharing one sequence) the weights differ
        var data = Path.Combine(_dir, "sft.jsonl");
        string[] words = ["red", "blue", "green", "old", "new", "small", "big", "warm"];
        File.WriteAllLines(data, words.SelectMany(w => words.Select(v => JsonSerializer.Serialize(new { prompt = $"say {w}", completion = $" {w} {v}." }))));
        var config = new ReferenceConfig { SftData = data, VocabSize = 270, NPositions = 24, NEmbd = 8, NLayer = 1, NHead = 2, Steps = 3, BatchSize = 4, WarmupSteps = 1, Seed = 3 }.Validate();
        var folder = ReferenceStage.BuildOrLoad(config, Path.Combine(_dir, "reference"), ColumnMapping.Default, TextWriter.Null);

        var tokenizer = BpeTrainer.Train(SftData.Texts(data, new ChatMlPromptRenderer([])), new BpeTrainerOptions { VocabSize = config.VocabSize });
        var examples = SftData.Read(data, tokenizer, new ChatMlPromptRenderer(tokenizer.SpecialTokens.Keys));
        var options = config.SftOptions();
        Assert.That(options.Seed, Is.EqualTo(3UL));
        float[][] TrainedFrom(ulong initializationSeed)
        {
            var model = new Gpt2Model(config.ModelConfig(tokenizer.VocabSize, tokenizer.EosId!.Value), initializationSeed);
            new SftTrainer(model, options).Train(examples);
            return model.Parameters.Select(p => p.Value.ToArray()).ToArray();
        }
        var saved = Gpt2Checkpoint.Load(folder).Parameters.Select(p => p.Value.ToArray()).ToArray();
        Assert.That(saved, Is.EqualTo(TrainedFrom(Rng.DeriveSeed(3, SftOptions.InitializationStream))));
        Assert.That(saved, Is.Not.EqualTo(TrainedFrom(3)));
    }
}
