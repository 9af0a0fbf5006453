using Rebel.Tensors;

namespace Rebel.SelfPlay.Policies;

/// <summary>
/// A generative policy π(y | x) that REBEL can train: it samples completions, gives differentiable sequence
/// log-probabilities, and makes frozen copies of itself (π_t, π_ref, the magnet) without reloading.
/// </summary>
/// <remarks>
/// Sequence log-probabilities are sums over completion tokens, EOS included when present, with logits divided by
/// the temperature — the quantity REBEL regresses.
/// </remarks>
public interface IPolicy
{
    /// <summary>The trainable parameters (empty for a frozen copy).</summary>
    IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>
    /// <paramref name="samplesPerPrompt"/> completions per prompt, prompt-major (prompt 0's samples first), drawn at
    /// <paramref name="temperature"/> with at most <paramref name="maxNewTokens"/> tokens. Not recorded for gradients.
    /// </summary>
    IReadOnlyList<Completion> Sample(IReadOnlyList<string> prompts, int samplesPerPrompt, double temperature, int maxNewTokens, Rng rng);

    /// <summary>ln π(y_i | x_i) at <paramref name="temperature"/>, shape [N]; differentiable unless under <see cref="Tensor.NoGrad"/>.</summary>
    Tensor LogProbs(IReadOnlyList<Completion> completions, double temperature);

    /// <summary>The completion for a given text (offline data): its tokens followed by EOS.</summary>
    Completion Encode(string prompt, string text);

    /// <summary>A frozen deep copy: later updates of this policy do not change it.</summary>
    IPolicy Snapshot();

    /// <summary>Writes the policy (its parameters and whatever is needed to rebuild it) into <paramref name="directory"/>.</summary>
    void Save(string directory);

    /// <summary>Overwrites this policy's parameters in place with those saved in <paramref name="directory"/> (resume).</summary>
    void LoadParameters(string directory);
}
