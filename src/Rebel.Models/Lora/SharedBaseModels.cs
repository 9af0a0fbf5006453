using Rebel.Models.Gpt2;

namespace Rebel.Models.Lora;

/// <summary>
/// Opens model folders so that every one over the same base holds the base weights once: each base folder is loaded
/// the first time it is named, and every folder after that (the base itself, or a PEFT adapter folder over it) gets a
/// weight-sharing view of it (<see cref="ICausalLanguageModel.ShareWeights"/>) with its adapter attached unmerged.
/// A tournament of LoRA checkpoints and their reference thus costs one base plus one adapter per player.
/// </summary>
/// <remarks>
/// The views share the base's tensors, so none of them may change the base: use them for sampling and scoring
/// (frozen players), not for full fine-tuning. Bases are keyed by their full path.
/// </remarks>
public sealed class SharedBaseModels
{
    private readonly Dictionary<string, ICausalLanguageModel> _bases = new(StringComparer.Ordinal);

    /// <summary>Base folders loaded so far.</summary>
    public int Count => _bases.Count;

    /// <summary>
    /// The model in <paramref name="directory"/>: a view of its cached base, with the folder's adapter attached when it is
    /// an adapter folder (else null).
    /// </summary>
    /// <exception cref="ModelFormatException">A bad config or weights, a base that is not a local folder, or an adapter
    /// that does not fit its base.</exception>
    public (ICausalLanguageModel Model, LoraAdapter? Adapter) Load(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        bool isAdapter = PeftAdapterFolder.IsAdapter(directory);
        var baseDirectory = Path.GetFullPath(isAdapter ? PeftAdapterFolder.ResolveBase(directory) : directory);
        if (!_bases.TryGetValue(baseDirectory, out var shared))
        {
            shared = ModelFolder.LoadBase(baseDirectory);
            foreach (var (_, p) in shared.Parameters) p.RequiresGrad = false;                // shared, so frozen
            _bases[baseDirectory] = shared;
        }
        var view = shared.ShareWeights();
        return (view, isAdapter ? LoraAdapter.Load(directory, LoraModelFolder.HostOf(view)) : null);
    }
}
