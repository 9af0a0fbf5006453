using Rebel.Models;
using Rebel.Models.Lora;
using Rebel.Tensors;

namespace Rebel.Benchmarks;

/// <summary>
/// <c>--lora-rank</c> of <c>Rebel.Benchmarks train-step</c>: rank-r adapters (α = 2r, seed 3) on every projection the family
/// has (Llama: q, k, v, o, gate, up, down; GPT-2: c_attn, c_proj, c_fc) over the frozen model, as
/// <c>bench/pytorch/train_step.py --lora-rank</c> builds them.
/// </summary>
internal static class LoraBenchAdapters
{
    /// <summary>The tensors the optimizer updates: the adapters' A and B with rank &gt; 0, else every model parameter.</summary>
    public static IReadOnlyList<Tensor> Trainable(ICausalLanguageModel model, int rank)
    {
        if (rank < 0) throw new ArgumentException($"--lora-rank must be ≥ 0, got {rank}.");
        if (rank == 0) return model.Parameters.Select(p => p.Value).ToList();
        string[] targets = model.ModelType == "gpt2" ? ["c_attn", "c_proj", "c_fc"] : ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"];
        var adapter = LoraAdapter.Create(LoraModelFolder.HostOf(model), new LoraOptions { Rank = rank, Alpha = 2 * rank, TargetModules = targets, Seed = 3 });
        return adapter.Parameters;
    }
}
