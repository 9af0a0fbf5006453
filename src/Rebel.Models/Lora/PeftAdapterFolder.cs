using Rebel.Models.Gpt2;

namespace Rebel.Models.Lora;

/// <summary>
/// The PEFT layout of a LoRA adapter folder: <c>adapter_config.json</c> plus <c>adapter_model.safetensors</c>, whose
/// config names the base model in <c>base_model_name_or_path</c>. Independent of the model family.
/// </summary>
public static class PeftAdapterFolder
{
    /// <summary>File name of the adapter weights.</summary>
    public const string WeightsFile = "adapter_model.safetensors";

    /// <summary>True when <paramref name="directory"/> holds an <c>adapter_config.json</c> (so a <c>--model</c> may name it).</summary>
    public static bool IsAdapter(string directory) =>
        Directory.Exists(directory) && File.Exists(Path.Combine(directory, PeftAdapterConfig.FileName));

    /// <summary>
    /// The base model folder of the adapter in <paramref name="directory"/>: <c>base_model_name_or_path</c> as an
    /// absolute path, or relative to the adapter folder, or relative to the current directory (first that exists).
    /// </summary>
    /// <exception cref="ModelFormatException">The key is missing, or names no local folder (hub ids are not downloaded).</exception>
    public static string ResolveBase(string directory)
    {
        var configPath = Path.Combine(directory, PeftAdapterConfig.FileName);
        var config = PeftAdapterConfig.Read(configPath);
        var name = config.BaseModelNameOrPath;
        if (string.IsNullOrWhiteSpace(name))
            throw new ModelFormatException(configPath, "key \"base_model_name_or_path\" is missing or empty; it must name the base model folder");
        string[] candidates = Path.IsPathRooted(name) ? [name] : [Path.Combine(directory, name), Path.GetFullPath(name)];
        foreach (var candidate in candidates)
            if (Directory.Exists(candidate)) return Path.GetFullPath(candidate);
        throw new ModelFormatException(configPath,
            $"base_model_name_or_path \"{name}\" is not a local folder (looked in {string.Join(" and ", candidates.Select(Path.GetFullPath).Distinct())}); Rebel does not download hub models");
    }
}
