using Rebel.Tensors;

namespace Rebel.SelfPlay.Losses;

/// <summary>
/// A policy-optimization objective over a minibatch of completions and pairs. REBEL and the baselines (SPPO, online
/// IPO / Nash-MD, online DPO, RLOO) share the trainer's data path and differ only here.
/// </summary>
public interface IPreferenceLoss
{
    /// <summary>Short name used in configs, metrics and reports (e.g. "rebel").</summary>
    string Name { get; }

    /// <summary>The scalar loss to minimize (a 0-dimensional tensor, differentiable through <see cref="LossBatch.LogProbs"/>).</summary>
    Tensor Compute(LossBatch batch);
}
