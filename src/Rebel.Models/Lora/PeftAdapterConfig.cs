using System.Text.Json;
using System.Text.Json.Nodes;
using Rebel.Models.Data;
using Rebel.Models.Gpt2;

namespace Rebel.Models.Lora;

/// <summary>
/// <c>adapter_config.json</c> of a PEFT LoRA adapter: the keys Rebel reads and writes (<c>r</c>, <c>lora_alpha</c>,
/// <c>lora_dropout</c>, <c>target_modules</c>, <c>use_rslora</c>, <c>base_model_name_or_path</c>, <c>bias</c>,
/// <c>task_type</c>, <c>fan_in_fan_out</c>, <c>peft_type</c>). Features Rebel does not implement (DoRA, trained biases,
/// <c>modules_to_save</c>, per-layer ranks, <c>layers_to_transform</c>) are refused when reading, naming the key.
/// </summary>
public sealed record PeftAdapterConfig
{
    /// <summary>File name inside an adapter folder.</summary>
    public const string FileName = "adapter_config.json";

    /// <summary>The LoRA settings (rank, α, dropout, targets, rsLoRA).</summary>
    public required LoraOptions Options { get; init; }

    /// <summary>A regular expression over module paths when target_modules is a string (then it replaces <see cref="LoraOptions.TargetModules"/>).</summary>
    public string? TargetPattern { get; init; }

    /// <summary>base_model_name_or_path: the base model folder (or a hub id, which Rebel cannot fetch).</summary>
    public string? BaseModelNameOrPath { get; init; }

    /// <summary>fan_in_fan_out: the base weights are stored [in, out] (GPT-2's Conv1D).</summary>
    public bool FanInFanOut { get; init; }

    /// <summary>task_type (CAUSAL_LM for language models).</summary>
    public string? TaskType { get; init; } = "CAUSAL_LM";

    internal TargetModules Targets => TargetPattern is null ? new TargetModules(Options.TargetModules) : new TargetModules(TargetPattern);

    /// <summary>Reads and checks <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="ModelFormatException">Not JSON, a missing or ill-typed key, or a PEFT feature Rebel does not implement.</exception>
    public static PeftAdapterConfig Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: file not found (an adapter folder holds {FileName} and adapter_model.safetensors)", path);
        JsonObject root;
        try { root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new ModelFormatException(path, "not a JSON object"); }
        catch (JsonException e) { throw new ModelFormatException(path, $"not valid JSON ({e.Message})", e); }

        T Get<T>(string key, T fallback)
        {
            var node = root[key];
            if (node is null) return fallback;
            try { return node.GetValue<T>(); }
            catch (Exception e) when (e is InvalidOperationException or FormatException)
            { throw new ModelFormatException(path, $"key \"{key}\" holds {node.ToJsonString()}, not a {typeof(T).Name}", e); }
        }
        void Refuse(bool unsupported, string key, string what)
        {
            if (unsupported) throw new ModelFormatException(path, $"key \"{key}\" = {root[key]?.ToJsonString()}: {what} is not supported");
        }
        static bool IsEmpty(JsonNode? node) => node is null || (node is JsonObject o && o.Count == 0) || (node is JsonArray a && a.Count == 0);

        var peftType = Get<string?>("peft_type", null);
        Refuse(peftType is not null && peftType != "LORA", "peft_type", "an adapter other than LoRA");
        Refuse(Get("use_dora", false), "use_dora", "DoRA");
        Refuse((Get<string?>("bias", "none") ?? "none") != "none", "bias", "training biases");
        Refuse(!IsEmpty(root["modules_to_save"]), "modules_to_save", "fully trained extra modules");
        Refuse(!IsEmpty(root["layers_to_transform"]), "layers_to_transform", "adapting only some layers");
        Refuse(!IsEmpty(root["rank_pattern"]), "rank_pattern", "a rank per module");
        Refuse(!IsEmpty(root["alpha_pattern"]), "alpha_pattern", "an alpha per module");

        if (root["r"] is null) throw new ModelFormatException(path, "key \"r\" (the rank) is missing");
        string? pattern = null;
        IReadOnlyList<string> names;
        switch (root["target_modules"])
        {
            case JsonArray array:
                names = array.Select((n, i) => n?.GetValueKind() == JsonValueKind.String ? n.GetValue<string>()
                    : throw new ModelFormatException(path, $"target_modules[{i}] is {n?.ToJsonString() ?? "null"}, not a module name")).ToList();
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                pattern = value.GetValue<string>();
                try { _ = new TargetModules(pattern); }
                catch (ArgumentException e) { throw new ModelFormatException(path, $"target_modules \"{pattern}\" is not a valid regular expression ({e.Message})", e); }
                names = [pattern];
                break;
            default:
                throw new ModelFormatException(path, "key \"target_modules\" is missing or null; name the adapted modules (a list, or a regular expression)");
        }
        var options = new LoraOptions
        {
            Rank = Get("r", 0),
            Alpha = Get("lora_alpha", 8.0),
            Dropout = Get("lora_dropout", 0.0),
            TargetModules = names,
            UseRsLora = Get("use_rslora", false),
        };
        try { options.Validate(); }
        catch (ArgumentException e) { throw new ModelFormatException(path, e.Message, e); }
        return new PeftAdapterConfig
        {
            Options = options,
            TargetPattern = pattern,
            BaseModelNameOrPath = Get<string?>("base_model_name_or_path", null),
            FanInFanOut = Get("fan_in_fan_out", false),
            TaskType = Get<string?>("task_type", null),
        };
    }

    /// <summary>Writes the config as PEFT does (keys in sorted order, two-space indentation), atomically.</summary>
    public void Write(string path)
    {
        var root = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal)
        {
            ["alpha_pattern"] = new JsonObject(),
            ["base_model_name_or_path"] = BaseModelNameOrPath,
            ["bias"] = "none",
            ["fan_in_fan_out"] = FanInFanOut,
            ["inference_mode"] = true,
            ["init_lora_weights"] = true,
            ["layers_to_transform"] = null,
            ["lora_alpha"] = Options.Alpha,
            ["lora_dropout"] = Options.Dropout,
            ["modules_to_save"] = null,
            ["peft_type"] = "LORA",
            ["r"] = Options.Rank,
            ["rank_pattern"] = new JsonObject(),
            ["revision"] = null,
            ["target_modules"] = TargetPattern is null ? new JsonArray(Options.TargetModules.Select(n => (JsonNode)n!).ToArray()) : TargetPattern,
            ["task_type"] = TaskType,
            ["use_dora"] = false,
            ["use_rslora"] = Options.UseRsLora,
        };
        var json = new JsonObject(root.Select(kv => KeyValuePair.Create(kv.Key, kv.Value)));
        AtomicFile.WriteAllText(path, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }
}
