using Rebel.Models.Gpt2;
using Rebel.Models.Llama;

namespace Rebel.Models.Lora;

/// <summary>
/// Opens a model folder that may be a PEFT adapter folder: the base named by <c>base_model_name_or_path</c> is loaded
/// and the adapter attached, unmerged (<see cref="ModelFolder.Load"/> merges it); a plain model folder loads as it is.
/// </summary>
public static class LoraModelFolder
{
    /// <summary>The model in <paramref name="directory"/>, with its adapter when the folder is an adapter (else null).</summary>
    /// <exception cref="ModelFormatException">A bad adapter config, a base that is not a local folder, or an adapter that
    /// does not fit its base (names the file, the tensor and both shapes, or the missing module).</exception>
    public static (ICausalLanguageModel Model, LoraAdapter? Adapter) Load(string directory)
    {
        if (!PeftAdapterFolder.IsAdapter(directory)) return (ModelFolder.LoadBase(directory), null);
        var model = ModelFolder.LoadBase(PeftAdapterFolder.ResolveBase(directory));
        return (model, LoraAdapter.Load(directory, HostOf(model)));
    }

    /// <summary>The LoRA host of a model of a supported family.</summary>
    /// <exception cref="ArgumentException">A model type with no LoRA host.</exception>
    public static ILoraHost HostOf(ICausalLanguageModel model) => model switch
    {
        Gpt2Model gpt2 => new Gpt2LoraHost(gpt2),
        LlamaModel llama => new LlamaLoraHost(llama),
        _ => throw new ArgumentException($"LoRA adapters are not supported for model type \"{model?.ModelType}\".", nameof(model)),
    };
}
