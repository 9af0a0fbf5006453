using System.Text.Json.Nodes;
using Rebel.Models.Gpt2;
using Rebel.Models.Scoring;
using Rebel.Models.Tokenization;
using Rebel.Models.Training;

namespace Rebel.Models.Tests.Training;

/// <summary>The one SFT output layout (<see cref="SftTrainer.TrainTo"/>) and cancellation between steps.</summary>
public class SftTrainerFolderTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rebel-sft-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static (Gpt2Model Model, ITokenizer Tokenizer, List<PromptCompletion> Examples) Task()
    {
        var tokenizer = BpeTrainer.Train(["abc cba", "bca acb"], new BpeTrainerOptions { VocabSize = 260 });
        int eos = tokenizer.EosId!.Value;
        var model = new Gpt2Model(new Gpt2Config(tokenizer.VocabSize, 16, 16, 1, 2, BosTokenId: eos, EosTokenId: eos), seed: 1);
        var examples = Enumerable.Range(0, 12).Select(i => new PromptCompletion([97 + i % 3, 32], [99 - i % 3, eos])).ToList();
        return (model, tokenizer, examples);
    }

    [Test]
    public void TrainTo_WritesMetricsCheckpointsAndTheFinalModel()
    {
        var (model, tokenizer, examples) = Task();
        var options = new SftOptions { Steps = 4, BatchSize = 4, WarmupSteps = 0, CheckpointEvery = 2, EvalEvery = 2, Seed = 3 };
        var history = new SftTrainer(model, options).TrainTo(_dir, examples, tokenizer);

        var lines = File.ReadAllLines(Path.Combine(_dir, SftTrainer.MetricsFile)).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.That(lines.Select(l => (int)l["step"]!), Is.EqualTo(new[] { 1, 2, 3, 4 }));
        Assert.That(lines.Select(l => (double)l["loss/train"]!), Is.EqualTo(history.Select(m => m.TrainLoss)));
        Assert.That(lines[0].Select(kv => kv.Key), Is.EqualTo(new[] { "step", "loss/train", "loss/eval", "optim/lr", "optim/grad_norm", "time/step_s" }));
        // a checkpoint at step 2 (not at the last step: the final model is the folder itself)
        Assert.That(Directory.GetDirectories(Path.Combine(_dir, "checkpoints")).Select(Path.GetFileName), Is.EqualTo(new[] { "step-2" }));
        Assert.That(File.Exists(Path.Combine(_dir, "checkpoints", "step-2", "optimizer.safetensors")), Is.True);
        var loaded = (Gpt2Model)ModelFolder.Load(_dir);
        Assert.That(loaded.Wte.Weight.ToArray(), Is.EqualTo(model.Wte.Weight.ToArray()));
        Assert.That(ModelFolder.LoadTokenizer(_dir)!.VocabSize, Is.EqualTo(tokenizer.VocabSize));
    }

    [Test]
    public void Train_Cancelled_StopsBeforeTheNextStep()
    {
        var (model, _, examples) = Task();
        using var cts = new CancellationTokenSource();
        int steps = 0;
        var trainer = new SftTrainer(model, new SftOptions { Steps = 50, BatchSize = 4, WarmupSteps = 0 });
        Assert.Throws<OperationCanceledException>(() => trainer.Train(examples, log: m =>
        {
            steps = m.Step;
            if (m.Step == 2) cts.Cancel();
        }, cancellationToken: cts.Token));
        Assert.That(steps, Is.EqualTo(2));
    }
}
