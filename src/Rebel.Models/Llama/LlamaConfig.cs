using System.Text.Json;
using System.Text.Json.Nodes;
using Rebel.Models.Data;
using Rebel.Models.Gpt2;

namespace Rebel.Models.Llama;

/// <summary>
/// The shape of a Llama-family decoder (llama, mistral, qwen2, qwen3), read from a Hugging Face <c>config.json</c>
/// (and <c>generation_config.json</c> for the end-of-sequence ids).
/// </summary>
/// <param name="Family">The <c>model_type</c>.</param>
/// <param name="VocabSize">V (<c>vocab_size</c>).</param>
/// <param name="HiddenSize">C, the residual width (<c>hidden_size</c>).</param>
/// <param name="IntermediateSize">F, the MLP width (<c>intermediate_size</c>).</param>
/// <param name="Layers">Decoder blocks (<c>num_hidden_layers</c>).</param>
/// <param name="Heads">H, query heads (<c>num_attention_heads</c>).</param>
/// <param name="KvHeads">Hkv, key/value heads (<c>num_key_value_heads</c>, default H); must divide H.</param>
/// <param name="HeadDim">D, the head size (<c>head_dim</c>, default C/H); even.</param>
/// <param name="MaxPositions">Longest sequence (<c>max_position_embeddings</c>).</param>
/// <param name="RmsNormEps">ε of every RMSNorm (<c>rms_norm_eps</c>, default 1e-6).</param>
/// <param name="RopeTheta">θ, the rotary base (<c>rope_theta</c>, default 10000).</param>
/// <param name="RopeScaling">The <c>rope_scaling</c> section, or null.</param>
/// <param name="AttentionBias">Biases on q, k, v (<c>attention_bias</c>; always on for qwen2).</param>
/// <param name="OutputBias">Bias on o_proj (llama and qwen3 with <c>attention_bias</c>; never for qwen2 or mistral).</param>
/// <param name="MlpBias">Biases on the MLP projections (llama's <c>mlp_bias</c>).</param>
/// <param name="QkNorm">Per-head RMSNorm of q and k (qwen3).</param>
/// <param name="TieWordEmbeddings">The output head is the token embedding (<c>tie_word_embeddings</c>, default false).</param>
/// <param name="SlidingWindow">The attention window when the config turns one on (mistral's <c>sliding_window</c>, qwen's with
/// <c>use_sliding_window</c>), else null. Sequences longer than it are refused (not silently attended in full).</param>
/// <param name="BosTokenId">Beginning-of-sequence id, or null.</param>
/// <param name="EosTokenIds">End-of-sequence ids (generation_config.json's when present, else config.json's); generation stops on any.</param>
public sealed record LlamaConfig(
    LlamaFamily Family,
    int VocabSize,
    int HiddenSize,
    int IntermediateSize,
    int Layers,
    int Heads,
    int KvHeads,
    int HeadDim,
    int MaxPositions,
    float RmsNormEps = 1e-6f,
    double RopeTheta = 10000,
    RopeScaling? RopeScaling = null,
    bool AttentionBias = false,
    bool OutputBias = false,
    bool MlpBias = false,
    bool QkNorm = false,
    bool TieWordEmbeddings = false,
    int? SlidingWindow = null,
    int? BosTokenId = null,
    IReadOnlyList<int>? EosTokenIds = null)
{
    /// <summary>config.json file name.</summary>
    public const string ConfigFile = "config.json";

    /// <summary>generation_config.json file name.</summary>
    public const string GenerationConfigFile = "generation_config.json";

    /// <summary>The <c>model_type</c> values this class reads.</summary>
    public static IReadOnlyList<string> SupportedModelTypes { get; } = ["llama", "mistral", "qwen2", "qwen3"];

    /// <summary>G = H / Hkv, query heads per key/value head.</summary>
    public int Groups => Heads / KvHeads;

    /// <summary>The longest sequence the model accepts: <see cref="MaxPositions"/>, or the sliding window when smaller.</summary>
    public int ContextLength => SlidingWindow is { } w && w < MaxPositions ? w : MaxPositions;

    /// <summary>End-of-sequence ids, never null.</summary>
    public IReadOnlyList<int> EosIds => EosTokenIds ?? [];

    /// <summary>The Hugging Face <c>model_type</c> string.</summary>
    public string ModelType => ModelTypeOf(Family);

    /// <summary>The rotary inverse frequencies f_i = θ^(−2i/D), i &lt; D/2, after <see cref="RopeScaling"/>.</summary>
    public double[] InverseFrequencies()
    {
        var f = new double[HeadDim / 2];
        for (int i = 0; i < f.Length; i++) f[i] = 1.0 / Math.Pow(RopeTheta, 2.0 * i / HeadDim);   // f_i = θ^(−2i/D)
        return RopeScaling is null ? f : RopeScaling.Apply(f);
    }

    /// <summary>A config for a family with its biases as Hugging Face sets them (qwen2: q/k/v biases; qwen3: q/k norm).</summary>
    public static LlamaConfig Create(LlamaFamily family, int vocabSize, int hiddenSize, int intermediateSize, int layers, int heads,
        int kvHeads, int maxPositions, int? headDim = null, bool tieWordEmbeddings = false) =>
        new LlamaConfig(family, vocabSize, hiddenSize, intermediateSize, layers, heads, kvHeads, headDim ?? hiddenSize / heads, maxPositions,
            AttentionBias: family == LlamaFamily.Qwen2, QkNorm: family == LlamaFamily.Qwen3, TieWordEmbeddings: tieWordEmbeddings).Validate();

    /// <summary>Throws <see cref="ArgumentException"/> naming the key and value when a field is out of range.</summary>
    public LlamaConfig Validate()
    {
        static void Positive(long value, string key)
        {
            if (value <= 0) throw new ArgumentException($"{key} must be positive, got {value}");
        }
        Positive(VocabSize, "vocab_size");
        Positive(HiddenSize, "hidden_size");
        Positive(IntermediateSize, "intermediate_size");
        Positive(Layers, "num_hidden_layers");
        Positive(Heads, "num_attention_heads");
        Positive(KvHeads, "num_key_value_heads");
        Positive(HeadDim, "head_dim");
        Positive(MaxPositions, "max_position_embeddings");
        if (Heads % KvHeads != 0)
            throw new ArgumentException($"num_attention_heads ({Heads}) must be a multiple of num_key_value_heads ({KvHeads})");
        if (HeadDim % 2 != 0) throw new ArgumentException($"head_dim must be even for rotary embeddings, got {HeadDim}");
        if (!(RmsNormEps > 0)) throw new ArgumentException($"rms_norm_eps must be positive, got {RmsNormEps}");
        if (!(RopeTheta > 0) || !double.IsFinite(RopeTheta)) throw new ArgumentException($"rope_theta must be positive, got {RopeTheta}");
        RopeScaling?.Validate();
        if (SlidingWindow is { } w) Positive(w, "sliding_window");
        if (BosTokenId is { } bos && (bos < 0 || bos >= VocabSize))
            throw new ArgumentException($"bos_token_id {bos} is outside the vocabulary [0, {VocabSize})");
        foreach (var eos in EosIds)
            if (eos < 0 || eos >= VocabSize) throw new ArgumentException($"eos_token_id {eos} is outside the vocabulary [0, {VocabSize})");
        return this;
    }

    /// <summary>The <c>model_type</c> of config.json in <paramref name="directory"/>, or null when it has none.</summary>
    /// <exception cref="FileNotFoundException">No config.json.</exception>
    /// <exception cref="ModelFormatException">config.json is not a JSON object, or model_type is not a string.</exception>
    public static string? ReadModelType(string directory)
    {
        var path = Path.Combine(directory, ConfigFile);
        var obj = ReadObject(path);
        return obj["model_type"] switch
        {
            null => null,
            JsonValue v when v.TryGetValue(out string? s) => s,
            var other => throw new ModelFormatException(path, $"key \"model_type\" must be a string, found {other.ToJsonString()}"),
        };
    }

    /// <summary>
    /// Reads config.json (and generation_config.json when present) of <paramref name="directory"/>.
    /// </summary>
    /// <exception cref="FileNotFoundException">No config.json.</exception>
    /// <exception cref="ModelFormatException">Bad JSON, a missing or mistyped key, an unknown model_type (the message lists the
    /// supported ones), an activation other than silu, an unsupported rope_scaling type; the message names the file.</exception>
    public static LlamaConfig Load(string directory)
    {
        var path = Path.Combine(directory, ConfigFile);
        var obj = ReadObject(path);
        try
        {
            var reader = new JsonKeys(path, obj);
            var modelType = reader.String("model_type")
                ?? throw new ModelFormatException(path, $"missing key \"model_type\" (supported: {string.Join(", ", SupportedModelTypes)})");
            var family = ParseFamily(modelType)
                ?? throw new ModelFormatException(path, $"unsupported model_type \"{modelType}\" (supported: gpt2, {string.Join(", ", SupportedModelTypes)})");
            var act = reader.String("hidden_act") ?? "silu";
            if (act != "silu") throw new ModelFormatException(path, $"unsupported hidden_act \"{act}\" (only silu, the SwiGLU MLP)");
            int hidden = reader.Int("hidden_size"), heads = reader.Int("num_attention_heads");
            bool attentionBias = family == LlamaFamily.Qwen2 || (reader.Bool("attention_bias") ?? false);
            bool outputBias = family is LlamaFamily.Llama or LlamaFamily.Qwen3 && (reader.Bool("attention_bias") ?? false);
            int? window = family switch
            {
                LlamaFamily.Mistral => reader.OptionalInt("sliding_window"),
                LlamaFamily.Qwen2 or LlamaFamily.Qwen3 => reader.Bool("use_sliding_window") == true ? reader.OptionalInt("sliding_window") : null,
                _ => null,
            };
            var eos = ReadEos(directory) ?? reader.IntList("eos_token_id");
            var config = new LlamaConfig(
                family,
                reader.Int("vocab_size"),
                hidden,
                reader.Int("intermediate_size"),
                reader.Int("num_hidden_layers"),
                heads,
                reader.OptionalInt("num_key_value_heads") ?? heads,
                reader.OptionalInt("head_dim") ?? (heads > 0 ? hidden / heads : 0),
                reader.Int("max_position_embeddings"),
                (float)(reader.Double("rms_norm_eps") ?? 1e-6),
                reader.Double("rope_theta") ?? 10000,
                ReadRopeScaling(path, obj["rope_scaling"]),
                attentionBias,
                outputBias,
                family == LlamaFamily.Llama && (reader.Bool("mlp_bias") ?? false),
                family == LlamaFamily.Qwen3,
                reader.Bool("tie_word_embeddings") ?? false,
                window,
                reader.OptionalInt("bos_token_id"),
                eos);
            if (reader.Double("partial_rotary_factor") is { } partial && partial != 1)
                throw new ModelFormatException(path, $"partial_rotary_factor {partial} is not supported (only 1)");
            return config.Validate();
        }
        catch (ArgumentException e) { throw new ModelFormatException(path, e.Message, e); }
    }

    /// <summary>eos_token_id of generation_config.json (an id or a list), or null when the file or key is absent.</summary>
    private static IReadOnlyList<int>? ReadEos(string directory)
    {
        var path = Path.Combine(directory, GenerationConfigFile);
        if (!File.Exists(path)) return null;
        return new JsonKeys(path, ReadObject(path)).IntList("eos_token_id");
    }

    private static RopeScaling? ReadRopeScaling(string path, JsonNode? node)
    {
        if (node is null) return null;
        if (node is not JsonObject obj) throw new ModelFormatException(path, $"key \"rope_scaling\" must be an object or null, found {node.ToJsonString()}");
        var keys = new JsonKeys(path, obj, "rope_scaling.");
        var type = keys.String("rope_type") ?? keys.String("type")
            ?? throw new ModelFormatException(path, "rope_scaling has no \"rope_type\" (or \"type\")");
        if (type == "default") return null;
        if (type is not ("linear" or "llama3"))
            throw new ModelFormatException(path, $"unsupported rope_scaling type \"{type}\" (supported: {string.Join(", ", RopeScaling.SupportedTypes)})");
        var factor = keys.Double("factor") ?? throw new ModelFormatException(path, "rope_scaling has no \"factor\"");
        if (type == "linear") return new RopeScaling(type, factor);
        return new RopeScaling(type, factor,
            keys.Double("low_freq_factor") ?? throw new ModelFormatException(path, "rope_scaling (llama3) has no \"low_freq_factor\""),
            keys.Double("high_freq_factor") ?? throw new ModelFormatException(path, "rope_scaling (llama3) has no \"high_freq_factor\""),
            keys.OptionalInt("original_max_position_embeddings") ?? throw new ModelFormatException(path, "rope_scaling (llama3) has no \"original_max_position_embeddings\""));
    }

    /// <summary>
    /// Writes config.json (over the keys of <paramref name="original"/> when given, so unknown keys survive) and
    /// generation_config.json (eos and bos ids) into <paramref name="directory"/>, each atomically.
    /// </summary>
    public void Save(string directory, JsonObject? original = null)
    {
        var obj = original is null ? new JsonObject() : (JsonObject)original.DeepClone();
        if (original is null) obj["architectures"] = new JsonArray(ArchitectureOf(Family));
        obj["model_type"] = ModelType;
        obj["vocab_size"] = VocabSize;
        obj["hidden_size"] = HiddenSize;
        obj["intermediate_size"] = IntermediateSize;
        obj["num_hidden_layers"] = Layers;
        obj["num_attention_heads"] = Heads;
        obj["num_key_value_heads"] = KvHeads;
        obj["head_dim"] = HeadDim;
        obj["max_position_embeddings"] = MaxPositions;
        obj["hidden_act"] = "silu";
        obj["rms_norm_eps"] = double.Parse(RmsNormEps.ToString("R"));
        obj["rope_theta"] = RopeTheta;
        obj["tie_word_embeddings"] = TieWordEmbeddings;
        if (Family != LlamaFamily.Qwen2) obj["attention_bias"] = Family != LlamaFamily.Mistral && AttentionBias;
        if (Family == LlamaFamily.Llama) obj["mlp_bias"] = MlpBias;
        if (original is null)
        {
            obj["rope_scaling"] = RopeScaling is null ? null : RopeScaling.Type == "linear"
                ? new JsonObject { ["rope_type"] = "linear", ["factor"] = RopeScaling.Factor }
                : new JsonObject
                {
                    ["rope_type"] = "llama3", ["factor"] = RopeScaling.Factor, ["low_freq_factor"] = RopeScaling.LowFrequencyFactor,
                    ["high_freq_factor"] = RopeScaling.HighFrequencyFactor, ["original_max_position_embeddings"] = RopeScaling.OriginalContext,
                };
            obj["bos_token_id"] = BosTokenId;
            obj["eos_token_id"] = EosJson();
        }
        var options = new JsonSerializerOptions { WriteIndented = true };
        AtomicFile.WriteAllText(Path.Combine(directory, ConfigFile), obj.ToJsonString(options) + "\n");
        var generation = new JsonObject { ["bos_token_id"] = BosTokenId, ["eos_token_id"] = EosJson() };
        AtomicFile.WriteAllText(Path.Combine(directory, GenerationConfigFile), generation.ToJsonString(options) + "\n");
    }

    private JsonNode? EosJson() => EosIds.Count switch
    {
        0 => null,
        1 => EosIds[0],
        _ => new JsonArray(EosIds.Select(id => (JsonNode)id).ToArray()),
    };

    internal static JsonObject ReadObject(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: file not found", path);
        JsonNode? root;
        try { root = JsonNode.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new ModelFormatException(path, $"not valid JSON ({e.Message})", e); }
        return root as JsonObject ?? throw new ModelFormatException(path, "expected a JSON object");
    }

    private static LlamaFamily? ParseFamily(string modelType) => modelType switch
    {
        "llama" => LlamaFamily.Llama,
        "mistral" => LlamaFamily.Mistral,
        "qwen2" => LlamaFamily.Qwen2,
        "qwen3" => LlamaFamily.Qwen3,
        _ => null,
    };

    private static string ModelTypeOf(LlamaFamily family) => family switch
    {
        LlamaFamily.Llama => "llama",
        LlamaFamily.Mistral => "mistral",
        LlamaFamily.Qwen2 => "qwen2",
        LlamaFamily.Qwen3 => "qwen3",
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, "unknown family"),
    };

    private static string ArchitectureOf(LlamaFamily family) => family switch
    {
        LlamaFamily.Llama => "LlamaForCausalLM",
        LlamaFamily.Mistral => "MistralForCausalLM",
        LlamaFamily.Qwen2 => "Qwen2ForCausalLM",
        LlamaFamily.Qwen3 => "Qwen3ForCausalLM",
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, "unknown family"),
    };
}
