using Rebel.Models.Gpt2;
using Rebel.Models.Llama;
using Rebel.Models.Lora;
using Rebel.Models.Tokenization;

namespace Rebel.Models;

/// <summary>
/// The one entry point that opens a Hugging Face model folder, whatever its architecture: config.json's
/// <c>model_type</c> picks GPT-2 (<c>gpt2</c>, or no model_type) or the Llama-family decoder (<c>llama</c>,
/// <c>mistral</c>, <c>qwen2</c>, <c>qwen3</c>); anything else is refused with the list of supported types. A PEFT
/// LoRA adapter folder (one holding <c>adapter_config.json</c>) opens as its base with the adapter merged in, so every
/// command that takes a model folder also takes an adapter folder.
/// </summary>
public static class ModelFolder
{
    /// <summary>The model_type values that load.</summary>
    public static IReadOnlyList<string> SupportedModelTypes { get; } = ["gpt2", .. LlamaConfig.SupportedModelTypes];

    /// <summary>Loads the model in <paramref name="directory"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">No such directory.</exception>
    /// <exception cref="FileNotFoundException">config.json or the weights are missing.</exception>
    /// <exception cref="ModelFormatException">An unsupported model_type (the message lists the supported ones), a bad config, or mismatched tensors.</exception>
    /// <remarks>
    /// An adapter folder loads its base (<c>base_model_name_or_path</c>, see <see cref="PeftAdapterFolder.ResolveBase"/>)
    /// and merges the adapter into it, W′ = W + s·B·A: the result computes what base + adapter computes and trains and
    /// saves as a plain model. <see cref="LoraModelFolder.Load"/> keeps the adapter separate instead.
    /// An adapter that does not fit its base is a <see cref="ModelFormatException"/> naming the file and tensor or module.
    /// </remarks>
    public static ICausalLanguageModel Load(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!PeftAdapterFolder.IsAdapter(directory)) return LoadBase(directory);
        var (model, adapter) = LoraModelFolder.Load(directory);
        adapter!.Merge();
        return model;
    }

    /// <summary>Loads the plain (non-adapter) model in <paramref name="directory"/>.</summary>
    internal static ICausalLanguageModel LoadBase(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"{directory}: model directory not found");
        if (PeftAdapterFolder.IsAdapter(directory))
            throw new ModelFormatException(Path.Combine(directory, PeftAdapterConfig.FileName), "the base model is itself a LoRA adapter folder; merge it first (rebel lora merge)");
        var type = LlamaConfig.ReadModelType(directory);
        if (type is null or "gpt2") return Gpt2Checkpoint.Load(directory);
        if (LlamaConfig.SupportedModelTypes.Contains(type)) return LlamaCheckpoint.Load(directory);
        throw new ModelFormatException(Path.Combine(directory, LlamaConfig.ConfigFile),
            $"unsupported model_type \"{type}\" (supported: {string.Join(", ", SupportedModelTypes)})");
    }

    /// <summary>
    /// A freshly initialized model (random weights, seed 0) of the architecture that config.json in
    /// <paramref name="directory"/> describes (and generation_config.json for the Llama family): for rebuilding a model
    /// whose weights are read from elsewhere (a preference model's backbone, written by
    /// <see cref="ICausalLanguageModel.WriteConfig"/>).
    /// </summary>
    /// <exception cref="FileNotFoundException">config.json is missing.</exception>
    /// <exception cref="ModelFormatException">An unsupported model_type or a bad config.</exception>
    public static ICausalLanguageModel CreateFromConfig(string directory)
    {
        var type = LlamaConfig.ReadModelType(directory);
        if (type is null or "gpt2") return new Gpt2Model(Gpt2Config.Load(Path.Combine(directory, Gpt2Checkpoint.ConfigFile)));
        if (LlamaConfig.SupportedModelTypes.Contains(type))
            return new LlamaModel(LlamaConfig.Load(directory)) { SourceConfig = LlamaConfig.ReadObject(Path.Combine(directory, LlamaConfig.ConfigFile)) };
        throw new ModelFormatException(Path.Combine(directory, LlamaConfig.ConfigFile),
            $"unsupported model_type \"{type}\" (supported: {string.Join(", ", SupportedModelTypes)})");
    }

    /// <summary>The most tokens a sequence of the model in <paramref name="directory"/> may hold, read from its config alone.</summary>
    /// <exception cref="FileNotFoundException">config.json is missing.</exception>
    /// <exception cref="ModelFormatException">An unsupported model_type or a bad config.</exception>
    public static int ContextLength(string directory)
    {
        if (PeftAdapterFolder.IsAdapter(directory)) directory = PeftAdapterFolder.ResolveBase(directory);
        var type = LlamaConfig.ReadModelType(directory);
        if (type is null or "gpt2") return Gpt2Config.Load(Path.Combine(directory, "config.json")).ContextLength;
        if (LlamaConfig.SupportedModelTypes.Contains(type)) return LlamaConfig.Load(directory).ContextLength;
        throw new ModelFormatException(Path.Combine(directory, LlamaConfig.ConfigFile),
            $"unsupported model_type \"{type}\" (supported: {string.Join(", ", SupportedModelTypes)})");
    }

    /// <summary>
    /// The tokenizer in <paramref name="directory"/> (<c>tokenizer.json</c>, or <c>vocab.json</c> + <c>merges.txt</c>),
    /// or null when the folder has no tokenizer files (an ids-only model). An adapter folder without tokenizer files of
    /// its own gives its base's tokenizer.
    /// </summary>
    public static ITokenizer? LoadTokenizer(string directory) =>
        Gpt2Checkpoint.LoadTokenizer(directory)
        ?? (PeftAdapterFolder.IsAdapter(directory) ? Gpt2Checkpoint.LoadTokenizer(PeftAdapterFolder.ResolveBase(directory)) : null);

    /// <summary>
    /// Writes <paramref name="model"/>, the tokenizer's files (when given) and whatever <paramref name="writeExtraFiles"/>
    /// puts there (e.g. optimizer state) into <paramref name="directory"/> atomically: everything goes to a temporary
    /// sibling folder first, which then replaces <paramref name="directory"/>.
    /// </summary>
    public static void Save(string directory, ICausalLanguageModel model, ITokenizer? tokenizer, Action<string>? writeExtraFiles = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Gpt2Checkpoint.SaveAtomically(directory, tmp =>
        {
            model.WriteFiles(tmp, tokenizer);
            writeExtraFiles?.Invoke(tmp);
        });
    }
}
