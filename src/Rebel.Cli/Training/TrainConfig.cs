using System.Text.Json;
using System.Text.Json.Serialization;
using Rebel.SelfPlay.Training;

namespace Rebel.Cli.Training;

/// <summary>
/// A <c>rebel train --config FILE</c> run: which model, prompts and judge, where to write, and the REBEL options.
/// Relative paths are resolved against the config file's folder.
/// </summary>
public sealed record TrainConfig
{
    /// <summary>The policy to train: a Hugging Face-layout GPT-2-family model directory (also π_ref).</summary>
    public required string Model { get; init; }

    /// <summary>Training prompts, JSONL <c>{"prompt"}</c>.</summary>
    public required string Prompts { get; init; }

    /// <summary>Held-out prompts for the periodic win rate against π_ref (optional).</summary>
    public string? EvalPrompts { get; init; }

    /// <summary>The judge spec, e.g. <c>vote(length,keywords,diversity)</c> (see docs/judges.md).</summary>
    public required string Judge { get; init; }

    /// <summary>The run directory (config.json, metrics.jsonl, checkpoints/).</summary>
    public string RunDir { get; init; } = "runs/train";

    /// <summary>REBEL's options (η, K, β, M, α, …); see <see cref="RebelOptions"/>.</summary>
    public RebelOptions Rebel { get; init; } = new();

    /// <summary>Reads a config file and resolves its relative paths.</summary>
    public static TrainConfig Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: config file not found", path);
        TrainConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<TrainConfig>(File.ReadAllText(path), RebelOptions.JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
        if (config is null) throw new InvalidDataException($"{path}: empty config");
        var root = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string Resolve(string p) => Path.GetFullPath(Path.Combine(root, p));
        config = config with
        {
            Model = Resolve(config.Model),
            Prompts = Resolve(config.Prompts),
            EvalPrompts = config.EvalPrompts is null ? null : Resolve(config.EvalPrompts),
            RunDir = Resolve(config.RunDir),
            Rebel = config.Rebel with { OfflineData = config.Rebel.OfflineData is null ? null : Resolve(config.Rebel.OfflineData) },
        };
        config.Rebel.Validate();
        return config;
    }

    /// <summary>The resolved config as JSON (written to the run directory).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, RebelOptions.JsonOptions);
}
