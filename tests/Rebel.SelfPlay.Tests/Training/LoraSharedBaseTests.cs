using Rebel.Models;
using Rebel.Models.Llama;
using Rebel.Models.Lora;
using Rebel.Models.Tokenization;
using Rebel.SelfPlay.Policies;
using Rebel.Tensors;

namespace Rebel.SelfPlay.Tests.Training;

/// <summary>
/// LoRA policies share one frozen base: π_θ, its snapshots (π_ref, π_mag) and tournament players over the same base hold
/// the base tensors once, differ only in adapters, and compute what the merged models computed before.
/// </summary>
public class LoraSharedBaseTests
{
    private string _dir = "";
    private ITokenizer _tokenizer = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rebel-lora-shared-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static readonly string[] Prompts = ["Describe the quiet river", "Praise the morning light", "Tell of a brave small fox"];

    private static readonly LoraOptions AllProjections = new()
    {
        Rank = 4, Alpha = 8, Seed = 5,
        TargetModules = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"],
    };

    /// <summary>A tiny random Llama (GQA 4/2, untied head) with a trained BPE tokenizer, saved in Hugging Face layout.</summary>
    private string SaveBase()
    {
        _tokenizer = BpeTrainer.Train(Prompts.Concat(["the river runs quiet and deep", "a fox crossed the old bridge"]), new BpeTrainerOptions { VocabSize = 300 });
        var config = LlamaConfig.Create(LlamaFamily.Llama, _tokenizer.VocabSize, hiddenSize: 64, intermediateSize: 128, layers: 2, heads: 4, kvHeads: 2,
            maxPositions: 64) with { EosTokenIds = [_tokenizer.EosId!.Value] };
        var dir = Path.Combine(_dir, "base");
        ModelFolder.Save(dir, new LlamaModel(config, seed: 7), _tokenizer);
        return dir;
    }

    /// <summary>B ~ N(0, 0.05²) in every adapter, so that the adapters change the model (a fresh one has B = 0).</summary>
    private static void Perturb(LoraAdapter adapter, ulong seed)
    {
        var rng = new Rng(seed);
        foreach (var (_, layer) in adapter.Layers) Tensor.Normal(rng, 0.05f, layer.B.ShapeArray).AsSpan().CopyTo(layer.B.AsSpan());
    }

    private static double[] Scores(IPolicy policy, IReadOnlyList<Completion> completions)
    {
        using var _ = Tensor.NoGrad();
        return policy.LogProbs(completions, 1.0).ToArray().Select(v => (double)v).ToArray();
    }

    /// <summary>The snapshot as it was made before the base was shared: a deep copy with the adapters merged in.</summary>
    private TransformerPolicy MergedCopy(TransformerPolicy policy)
    {
        var copy = policy.Model.Copy();
        policy.Adapter!.MergeInto(LoraModelFolder.HostOf(copy));
        return new TransformerPolicy(copy, _tokenizer);
    }

    [Test]
    public void Snapshot_WithLora_SharesTheBaseTensors_AndScoresAsTheMergedCopy()
    {
        var policy = TransformerPolicy.Load(SaveBase(), AllProjections);
        Perturb(policy.Adapter!, 11);
        var snapshot = (TransformerPolicy)policy.Snapshot();

        for (int i = 0; i < policy.Model.Parameters.Count; i++)
            Assert.That(snapshot.Model.Parameters[i].Value, Is.SameAs(policy.Model.Parameters[i].Value), policy.Model.Parameters[i].Name);
        Assert.That(snapshot.Model, Is.Not.SameAs(policy.Model));
        Assert.That(snapshot.Adapter!.Parameters.Select(p => p.Name), Is.EqualTo(policy.Adapter!.Parameters.Select(p => p.Name)));
        Assert.That(snapshot.Adapter.Parameters.Zip(policy.Adapter.Parameters).All(p => !ReferenceEquals(p.First, p.Second)), Is.True, "adapters are copied");
        Assert.That(snapshot.Parameters, Is.Empty);
        Assert.That(snapshot.Adapter.Parameters.Concat(snapshot.Model.Parameters.Select(p => p.Value)).Any(t => t.RequiresGrad), Is.False, "frozen");

        var completions = policy.Sample(Prompts, 2, 1.0, 8, new Rng(1));
        var merged = MergedCopy(policy);
        var expected = Scores(merged, completions);
        Assert.That(Scores(snapshot, completions), Is.EqualTo(expected).Within(1e-4), "base + adapter = the merged copy");
        Assert.That(Scores(policy, completions), Is.EqualTo(expected).Within(1e-4));
        var sampledBySnapshot = snapshot.Sample(Prompts, 2, 1.0, 8, new Rng(3)).Select(c => c.Tokens).ToList();
        Assert.That(sampledBySnapshot, Is.EqualTo(merged.Sample(Prompts, 2, 1.0, 8, new Rng(3)).Select(c => c.Tokens).ToList()), "sampling too");

        var before = Scores(snapshot, completions);
        Perturb(policy.Adapter, 12);                                                       // π_θ moves on (an optimizer step)
        Assert.That(Scores(policy, completions), Is.Not.EqualTo(before).Within(1e-3));
        Assert.That(Scores(snapshot, completions), Is.EqualTo(before), "the snapshot keeps its own frozen adapters");
    }

    [Test]
    public void Snapshot_WithLora_AllocatesOnlyTheAdapters_FullFineTuningCopiesTheBase()
    {
        var baseDir = SaveBase();
        var lora = TransformerPolicy.Load(baseDir, AllProjections);
        long baseBytes = lora.Model.Parameters.Sum(p => (long)p.Value.Size) * sizeof(float);
        long adapterBytes = lora.Adapter!.Parameters.Sum(p => (long)p.Size) * sizeof(float);

        long start = GC.GetAllocatedBytesForCurrentThread();
        _ = lora.Snapshot();
        long shared = GC.GetAllocatedBytesForCurrentThread() - start;
        var full = TransformerPolicy.Load(baseDir);
        start = GC.GetAllocatedBytesForCurrentThread();
        _ = full.Snapshot();
        long copied = GC.GetAllocatedBytesForCurrentThread() - start;

        Assert.That(adapterBytes, Is.LessThan(baseBytes / 4), "the test model's base outweighs its adapters");
        Assert.That(copied, Is.GreaterThanOrEqualTo(baseBytes), "a full fine-tuning snapshot is a deep copy");
        Assert.That(shared, Is.LessThan(adapterBytes + baseBytes / 4), $"a LoRA snapshot allocates the adapters ({adapterBytes} B), not the base ({baseBytes} B)");
    }

    [Test]
    public void SharedBaseModels_LoadsTheBaseOnce_ForItAndEveryAdapterOverIt()
    {
        var baseDir = SaveBase();
        var adapters = new List<string>();
        for (int k = 0; k < 2; k++)
        {
            var trained = TransformerPolicy.Load(baseDir, AllProjections with { Seed = (ulong)k });
            Perturb(trained.Adapter!, 20 + (ulong)k);
            var dir = Path.Combine(_dir, $"adapter-{k}");
            trained.Save(dir);
            adapters.Add(dir);
        }
        var bases = new SharedBaseModels();
        var reference = TransformerPolicy.LoadFrozen(baseDir, bases);
        var players = adapters.Select(a => TransformerPolicy.LoadFrozen(a, bases)).ToList();

        Assert.That(bases.Count, Is.EqualTo(1));
        foreach (var player in players)
        {
            for (int i = 0; i < reference.Model.Parameters.Count; i++)
                Assert.That(player.Model.Parameters[i].Value, Is.SameAs(reference.Model.Parameters[i].Value));
            Assert.That(player.Adapter, Is.Not.Null);
        }
        Assert.That(reference.Adapter, Is.Null);

        var completions = reference.Sample(Prompts, 2, 1.0, 8, new Rng(4));
        for (int k = 0; k < adapters.Count; k++)
            Assert.That(Scores(players[k], completions), Is.EqualTo(Scores(TransformerPolicy.Load(adapters[k]), completions)).Within(1e-4),
                "an unmerged adapter over the shared base scores as the merged adapter folder");
        Assert.That(Scores(players[0], completions), Is.Not.EqualTo(Scores(players[1], completions)).Within(1e-3), "each player keeps its own adapter");
        Assert.That(Scores(reference, completions), Is.EqualTo(Scores(TransformerPolicy.Load(baseDir), completions)), "the base player is the base");
    }

    [Test]
    public void SharedBaseModels_AdapterOverAMissingBase_IsAModelFormatError()
    {
        var baseDir = SaveBase();
        var dir = Path.Combine(_dir, "orphan");
        TransformerPolicy.Load(baseDir, AllProjections).Save(dir);
        Directory.Delete(baseDir, recursive: true);
        var e = Assert.Throws<Rebel.Models.Gpt2.ModelFormatException>(() => new SharedBaseModels().Load(dir))!;
        Assert.That(e.Message, Does.Contain("adapter_config.json").And.Contain("not a local folder"));
    }
}
