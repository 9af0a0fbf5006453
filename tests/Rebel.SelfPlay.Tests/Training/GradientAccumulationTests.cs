using Rebel.Judges.Spec;
using Rebel.Models.Gpt2;
using Rebel.Models.Tokenization;
using Rebel.SelfPlay.Policies;
using Rebel.SelfPlay.Training;

namespace Rebel.SelfPlay.Tests.Training;

/// <summary>Gradient accumulation: a minibatch run as micro-batches gives the update of the minibatch run at once.</summary>
public class GradientAccumulationTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rebel-accumulation-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static readonly string[] Prompts = ["Describe the quiet river", "Praise the morning light", "Tell of a brave small fox", "Name three green fields"];

    private async Task<(float[][] Weights, Dictionary<string, double> Metrics)> RunAsync(string loss, int accumulation)
    {
        var tokenizer = BpeTrainer.Train(Prompts.Concat(["the river runs quiet and deep", "a fox crossed the old bridge"]), new BpeTrainerOptions { VocabSize = 300 });
        var model = new Gpt2Model(new Gpt2Config(tokenizer.VocabSize, ContextLength: 32, EmbeddingSize: 16, Layers: 2, Heads: 2, EosTokenId: tokenizer.EosId), seed: 4);
        var policy = new TransformerPolicy(model, tokenizer);
        var options = new RebelOptions
        {
            Loss = loss, Beta = loss == "dpo" ? 0.5 : 0, Iterations = 1, PromptsPerIteration = 4, MinibatchPrompts = 2, SamplesPerPrompt = 3,
            Epochs = 2, LearningRate = 1e-3, MaxNewTokens = 8, PenalizeUnfinished = false, CheckpointInterval = 0, EvalInterval = 0, BatchWinRate = false,
            Seed = 5, GradientAccumulationSteps = accumulation,
        };
        using var judge = JudgeSpec.Parse("vote(length(4),diversity,keywords)");
        var dir = Path.Combine(_dir, $"{loss}-{accumulation}");
        var trainer = new RebelTrainer(policy, policy.Snapshot(), options, dir) { TrainPrompts = Prompts, Judge = judge };
        await trainer.RunAsync();
        var metrics = File.ReadLines(Path.Combine(dir, "metrics.jsonl")).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).Single();
        var values = metrics.EnumerateObject().Where(p => p.Value.ValueKind == System.Text.Json.JsonValueKind.Number)
            .ToDictionary(p => p.Name, p => p.Value.GetDouble());
        return (model.Parameters.Select(p => p.Value.ToArray()).ToArray(), values);
    }

    [TestCase("rebel", 2)]
    [TestCase("rebel", 6)]
    [TestCase("sppo", 4)]
    [TestCase("dpo", 5)]
    public async Task Train_MicroBatches_GiveTheOneShotUpdate(string loss, int accumulation)
    {
        var once = await RunAsync(loss, 1);
        var split = await RunAsync(loss, accumulation);
        string key = $"loss/{loss}";
        Assert.That(split.Metrics[key], Is.EqualTo(once.Metrics[key]).Within(1e-5 * Math.Max(1, Math.Abs(once.Metrics[key]))), key);
        Assert.That(split.Metrics["loss/grad_norm"], Is.EqualTo(once.Metrics["loss/grad_norm"]).Within(1e-4 * once.Metrics["loss/grad_norm"]));
        // Compare the updates w_T − w_0 as vectors: AdamW divides each gradient entry by its own running RMS, so entries
        // whose gradient is rounding noise move by ±η either way; the update as a whole must agree.
        var start = new Gpt2Model(new Gpt2Config(once.Weights[0].Length / 16, 32, 16, 2, 2), seed: 4).Parameters.Select(p => p.Value.ToArray()).ToArray();
        double diff2 = 0, norm2 = 0;
        for (int p = 0; p < once.Weights.Length; p++)
            for (int i = 0; i < once.Weights[p].Length; i++)
            {
                double d = split.Weights[p][i] - once.Weights[p][i], u = once.Weights[p][i] - start[p][i];
                diff2 += d * d;
                norm2 += u * u;
            }
        double relative = Math.Sqrt(diff2 / norm2);
        TestContext.Out.WriteLine($"{loss}, {accumulation} micro-batches: ‖Δw_split − Δw_once‖ / ‖Δw_once‖ = {relative:E2} (‖Δw_once‖ = {Math.Sqrt(norm2):E2})");
        Assert.That(once.Metrics["targets/mean_abs_delta"], Is.GreaterThan(0.05), "the judge separates the samples");
        Assert.That(Math.Sqrt(norm2), Is.GreaterThan(1e-3), "the run trained");
        Assert.That(relative, Is.LessThan(1e-3));
    }

    [Test]
    public void Options_TooManyMicroBatches_Throw() =>
        Assert.That(() => new RebelOptions { MinibatchPrompts = 2, SamplesPerPrompt = 2, GradientAccumulationSteps = 5 }.Validate(),
            Throws.ArgumentException.With.Message.Contains("gradient_accumulation_steps"));
}
