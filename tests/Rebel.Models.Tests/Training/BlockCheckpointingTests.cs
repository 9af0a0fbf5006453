using Rebel.Models.Gpt2;
using Rebel.Models.Lora;
using Rebel.Tensors;
using Rebel.Tensors.Memory;

namespace Rebel.Models.Tests.Training;

/// <summary>Activation checkpointing per block (<see cref="ICausalLanguageModel.CheckpointBlocks"/>) in both families.</summary>
public class BlockCheckpointingTests
{
    private static readonly int[] Ids = [1, 5, 9, 2, 7, 3, 8, 4, 6, 1, 2, 3, 4, 5, 6, 7];

    private static ICausalLanguageModel Load(string family) => family == "gpt2"
        ? new Gpt2Model(new Gpt2Config(40, 16, 32, 4, 4), seed: 3)
        : ModelFolder.Load(Path.Combine(Fixtures.Root, "llama", "llama-gqa-llama3", "model"));

    /// <summary>Loss, every trainable gradient, and the peak pooled bytes of one forward + backward on a [2, 8] batch.</summary>
    private static (float Loss, float[][] Grads, long Peak) Step(string family, bool checkpoint, bool lora)
    {
        var model = Load(family);
        var trainable = model.Parameters.Select(p => p.Value).ToList();
        if (lora)
        {
            var adapter = LoraAdapter.Create(LoraModelFolder.HostOf(model), new LoraOptions
            {
                Rank = 2, Alpha = 4, Dropout = 0.2, Seed = 5,
                TargetModules = family == "gpt2" ? ["c_attn", "c_fc"] : ["q_proj", "v_proj", "down_proj"],
            });
            foreach (var b in adapter.Parameters.Where((_, i) => i % 2 == 1)) b.AsSpan().Fill(0.05f);   // B ≠ 0: A gets gradients too
            trainable = [.. adapter.Parameters];
        }
        model.CheckpointBlocks = checkpoint;
        var weights = Tensor.Normal(new Rng(9), 1f, 2, 8, model.VocabSize);
        using var scope = new TensorScope();
        PooledMemory.ResetPeak();
        long start = PooledMemory.RentedBytes;
        var loss = (model.Forward(Ids, 2, 8) * weights).Sum();
        float value = loss.Item();
        loss.Backward();
        return (value, trainable.Select(t => t.Grad!.ToArray()).ToArray(), PooledMemory.PeakRentedBytes - start);
    }

    [TestCase("gpt2", false)]
    [TestCase("gpt2", true)]
    [TestCase("llama", false)]
    [TestCase("llama", true)]
    public void CheckpointBlocks_SameLossAndGradients_LowerPeak(string family, bool lora)
    {
        var plain = Step(family, checkpoint: false, lora);
        var checkpointed = Step(family, checkpoint: true, lora);
        Assert.That(checkpointed.Loss, Is.EqualTo(plain.Loss));
        double worst = 0;
        for (int i = 0; i < plain.Grads.Length; i++)
            for (int j = 0; j < plain.Grads[i].Length; j++)
                worst = Math.Max(worst, Math.Abs(checkpointed.Grads[i][j] - plain.Grads[i][j]) / Math.Max(1, Math.Abs(plain.Grads[i][j])));
        TestContext.Out.WriteLine($"{family}{(lora ? " + LoRA" : "")}: worst gradient difference {worst:E2}; peak pooled bytes {plain.Peak} → {checkpointed.Peak}");
        Assert.That(worst, Is.LessThanOrEqualTo(1e-6), "gradients identical up to summation order");
        Assert.That(checkpointed.Peak, Is.LessThan(plain.Peak), "checkpointing lowers the activation peak");
    }
}
