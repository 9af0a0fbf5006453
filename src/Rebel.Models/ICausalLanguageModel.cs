using Rebel.Models.Generation;
using Rebel.Models.Tokenization;
using Rebel.Tensors;

namespace Rebel.Models;

/// <summary>
/// A decoder-only language model as every trainer, scorer and sampler sees it, whatever its architecture (GPT-2 or
/// the Llama family): a differentiable forward pass to logits, named parameters, a cached inference path, and the
/// Hugging Face folder it saves to.
/// </summary>
/// <remarks>
/// Dimension legend: B batch, T time, V vocabulary. Positions count real tokens only (position = number of earlier
/// unmasked tokens in the row), so left- and right-padded batches give each sequence the logits it would get alone.
/// </remarks>
public interface ICausalLanguageModel
{
    /// <summary>The Hugging Face <c>model_type</c> (<c>gpt2</c>, <c>llama</c>, <c>mistral</c>, <c>qwen2</c>, <c>qwen3</c>).</summary>
    string ModelType { get; }

    /// <summary>V, the vocabulary size.</summary>
    int VocabSize { get; }

    /// <summary>C, the width of the final hidden states (<c>n_embd</c> / <c>hidden_size</c>).</summary>
    int HiddenSize { get; }

    /// <summary>The longest sequence the model accepts.</summary>
    int ContextLength { get; }

    /// <summary>Beginning-of-sequence id, or null.</summary>
    int? BosTokenId { get; }

    /// <summary>End-of-sequence ids from the model's config (possibly several; empty when none). Generation stops on any.</summary>
    IReadOnlyList<int> EosTokenIds { get; }

    /// <summary>
    /// Activation (gradient) checkpointing per block (default false): the differentiable forward keeps only each block's
    /// input and re-runs the block during backward (<see cref="Tensor.Checkpoint"/>), so activation memory holds one
    /// block's intermediates instead of all of them, for about one more forward pass. Gradients are unchanged.
    /// </summary>
    bool CheckpointBlocks { get; set; }

    /// <summary>Every parameter with its Hugging Face name, in a fixed order.</summary>
    IReadOnlyList<(string Name, Tensor Value)> Parameters { get; }

    /// <summary>Logits [B, T, V] for ids [B, T] (row-major) and an optional attention mask [B, T] (1 token, 0 padding); recorded for autograd.</summary>
    /// <exception cref="ArgumentException">ids not [B, T], T past the context, an id outside the vocabulary, a mask of the wrong length.</exception>
    Tensor Forward(int[] ids, int batch, int time, float[]? attentionMask = null);

    /// <summary>
    /// The final hidden states [B, T, C] (after the last norm, before the output head) for the same inputs as
    /// <see cref="Forward"/>; recorded for autograd. A preference model's encoder reads these.
    /// </summary>
    /// <exception cref="ArgumentException">As <see cref="Forward"/>.</exception>
    Tensor Hidden(int[] ids, int batch, int time, float[]? attentionMask = null);

    /// <summary>A deep copy with the same configuration and weights (a frozen snapshot starts from it).</summary>
    ICausalLanguageModel Copy();

    /// <summary>
    /// A second model over the same parameter tensors (reference-equal: nothing is copied, and their
    /// <see cref="Tensor.RequiresGrad"/> flags are left as they are), with modules of its own, so LoRA adapters attached
    /// to one do not affect the other. Policies that differ only in adapters (π_θ, π_ref and the π_t snapshots of a LoRA
    /// run) share one frozen base this way. The shared weights must not change while more than one model uses them.
    /// </summary>
    ICausalLanguageModel ShareWeights();

    /// <summary>
    /// The cached inference path for <paramref name="batch"/> sequences of up to <paramref name="capacity"/> positions.
    /// With <paramref name="packWeights"/> every weight matrix is packed once for the GEMM micro-kernel (fast decoding,
    /// a second copy of the weights while it lives). The weights must not change while it is in use.
    /// </summary>
    IKvDecoder CreateDecoder(int batch, int capacity, bool packWeights);

    /// <summary>
    /// Writes the model's config files only (config.json, and generation_config.json where the family has one) into
    /// <paramref name="directory"/> (created if missing), each atomically: enough for
    /// <see cref="ModelFolder.CreateFromConfig"/> to rebuild the architecture without its weights.
    /// </summary>
    void WriteConfig(string directory);

    /// <summary>
    /// Writes the model's Hugging Face files (config, weights) and, when given, the tokenizer's into
    /// <paramref name="directory"/> (created if missing), each file atomically, leaving other files in place.
    /// </summary>
    void WriteFiles(string directory, ITokenizer? tokenizer);
}
