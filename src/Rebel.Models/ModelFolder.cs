using Rebel.Models.Gpt2;
using Rebel.Models.Llama;
using Rebel.Models.Tokenization;

namespace Rebel.Models;

/// <summary>
/// The one entry point that opens a Hugging Face model folder, whatever its architecture: config.json's
/// <c>model_type</c> picks GPT-2 (<c>gpt2</c>, or no model_type) or the Llama-family decoder (<c>llama</c>,
/// <c>mistral</c>, <c>qwen2</c>, <c>qwen3</c>); anything else is refused with the list of supported types.
/// </summary>
public static class ModelFolder
{
    /// <summary>The model_type values that load.</summary>
    public static IReadOnlyList<string> SupportedModelTypes { get; } = ["gpt2", .. LlamaConfig.SupportedModelTypes];

    /// <summary>Loads the model in <paramref name="directory"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">No such directory.</exception>
    /// <exception cref="FileNotFoundException">config.json or the weights are missing.</exception>
    /// <exception cref="ModelFormatException">An unsupported model_type (the message lists the supported ones), a bad config, or mismatched tensors.</exception>
    public static ICausalLanguageModel Load(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"{directory}: model directory not found");
        var type = LlamaConfig.ReadModelType(directory);
        if (type is null or "gpt2") return Gpt2Checkpoint.Load(directory);
        if (LlamaConfig.SupportedModelTypes.Contains(type)) return LlamaCheckpoint.Load(directory);
        throw new ModelFormatException(Path.Combine(directory, LlamaConfig.ConfigFile),
            $"unsupported model_type \"{type}\" (supported: {string.Join(", ", SupportedModelTypes)})");
    }

    /// <summary>The most tokens a sequence of the model in <paramref name="directory"/> may hold, read from its config alone.</summary>
    /// <exception cref="FileNotFoundException">config.json is missing.</exception>
    /// <exception cref="ModelFormatException">An unsupported model_type or a bad config.</exception>
    public static int ContextLength(string directory)
    {
        var type = LlamaConfig.ReadModelType(directory);
        if (type is null or "gpt2") return Gpt2Config.Load(Path.Combine(directory, "config.json")).ContextLength;
        if (LlamaConfig.SupportedModelTypes.Contains(type)) return LlamaConfig.Load(directory).ContextLength;
        throw new ModelFormatException(Path.Combine(directory, LlamaConfig.ConfigFile),
            $"unsupported model_type \"{type}\" (supported: {string.Join(", ", SupportedModelTypes)})");
    }

    /// <summary>
    /// The tokenizer in <paramref name="directory"/> (<c>tokenizer.json</c>, or <c>vocab.json</c> + <c>merges.txt</c>),
    /// or null when the folder has no tokenizer files (an ids-only model).
    /// </summary>
    public static ITokenizer? LoadTokenizer(string directory) => Gpt2Checkpoint.LoadTokenizer(directory);

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
