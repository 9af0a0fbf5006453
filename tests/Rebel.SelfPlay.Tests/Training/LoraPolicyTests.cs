using Rebel.Judges.Spec;
using Rebel.Models.Gpt2;
using Rebel.Models.Lora;
using Rebel.Models.Tokenization;
using Rebel.SelfPlay.Policies;
using Rebel.SelfPlay.Training;
using Rebel.Tensors;

namespace Rebel.SelfPlay.Tests.Training;

/// <summary>REBEL with LoRA: a tiny GPT-2 whose base stays frozen while adapters train; checkpoints in PEFT layout.</summary>
public class LoraPolicyTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rebel-lora-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static readonly string[] Prompts = ["Describe the quiet river", "Praise the morning light", "Tell of a brave small fox", "Name three green fields"];

    private static readonly LoraOptions Lora = new() { Rank = 4, Alpha = 8, TargetModules = ["c_attn", "c_proj", "c_fc"], Seed = 5 };

    private string SaveBase()
    {
        var tokenizer = BpeTrainer.Train(Prompts.Concat(["the river runs quiet and deep", "a fox crossed the old bridge"]), new BpeTrainerOptions { VocabSize = 300 });
        var dir = Path.Combine(_dir, "base");
        Gpt2Checkpoint.Save(dir, new Gpt2Model(new Gpt2Config(tokenizer.VocabSize, ContextLength: 48, EmbeddingSize: 32, Layers: 2, Heads: 2, EosTokenId: tokenizer.EosId), 3), tokenizer);
        return dir;
    }

    private static double[] Scores(IPolicy policy, IReadOnlyList<Completion> completions)
    {
        using var _ = Tensor.NoGrad();
        return policy.LogProbs(completions, 1.0).ToArray().Select(v => (double)v).ToArray();
    }

    [Test]
    public void Load_WithLora_TrainsOnlyTheAdapters_AndStartsAtTheBase()
    {
        var baseDir = SaveBase();
        var plain = TransformerPolicy.Load(baseDir);
        var policy = TransformerPolicy.Load(baseDir, Lora);
        Assert.That(policy.Parameters, Has.Count.EqualTo(2 * 8), "A and B of c_attn, attn.c_proj, c_fc and mlp.c_proj in two layers");
        Assert.That(policy.Parameters.All(p => p.Name!.Contains(".lora_")), Is.True);
        Assert.That(policy.Model.Parameters.All(p => !p.Value.RequiresGrad), Is.True, "the base is frozen");
        var completions = plain.Sample(Prompts, 2, 1.0, 8, new Rng(1));
        Assert.That(Scores(policy, completions), Is.EqualTo(Scores(plain, completions)), "B = 0: the policy starts equal to its base");
    }

    [Test]
    public async Task Rebel_WithLora_KeepsTheBase_AndCheckpointsAnAdapterThatLoadsBack()
    {
        var baseDir = SaveBase();
        var policy = TransformerPolicy.Load(baseDir, Lora);
        var before = policy.Model.Parameters.Select(p => p.Value.ToArray()).ToList();
        var reference = policy.Snapshot();
        var options = new RebelOptions
        {
            Iterations = 2, PromptsPerIteration = 4, MinibatchPrompts = 2, SamplesPerPrompt = 2, Epochs = 1,
            LearningRate = 1e-2, WeightDecay = 0.1, MaxNewTokens = 8, PenalizeUnfinished = false, Eta = 4,
            CheckpointInterval = 1, EvalInterval = 0, Seed = 3,
        };
        using var judge = JudgeSpec.Parse("vote(length(6),diversity,keywords)");
        var run = Path.Combine(_dir, "run");
        await new RebelTrainer(policy, reference, options, run) { TrainPrompts = Prompts, Judge = judge }.RunAsync();

        for (int i = 0; i < before.Count; i++)
            Assert.That(policy.Model.Parameters[i].Value.ToArray(), Is.EqualTo(before[i]), $"base tensor {policy.Model.Parameters[i].Name} changed");
        Assert.That(policy.Adapter!.Layers.Any(l => l.Layer.B.ToArray().Any(v => v != 0)), Is.True, "the adapters trained");

        var checkpoint = Path.Combine(new CheckpointStore(run).Latest()!.Value.Path, "model");
        Assert.That(File.Exists(Path.Combine(checkpoint, "adapter_config.json")), Is.True);
        Assert.That(File.Exists(Path.Combine(checkpoint, "adapter_model.safetensors")), Is.True);
        Assert.That(File.Exists(Path.Combine(checkpoint, "model.safetensors")), Is.False, "no second copy of the base on disk");
        Assert.That(PeftAdapterFolder.ResolveBase(checkpoint), Is.EqualTo(Path.GetFullPath(baseDir)));

        var completions = reference.Sample(Prompts, 2, 1.0, 8, new Rng(2));
        var trained = Scores(policy, completions);
        Assert.That(trained, Is.Not.EqualTo(Scores(reference, completions)).Within(1e-4), "the policy moved away from π_ref");
        Assert.That(Scores(policy.Snapshot(), completions), Is.EqualTo(trained).Within(1e-4), "a snapshot is base + adapter merged");
        Assert.That(Scores(TransformerPolicy.Load(checkpoint), completions), Is.EqualTo(trained).Within(1e-4), "the checkpoint loads as a model");
        var resumed = TransformerPolicy.Load(baseDir, Lora);
        resumed.LoadParameters(checkpoint);
        Assert.That(Scores(resumed, completions), Is.EqualTo(trained).Within(1e-6), "resume reads the adapter back");
    }
}
