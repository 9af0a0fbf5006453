using System.Text.Json;
using System.Text.Json.Nodes;
using Rebel.Models.Data;

namespace Rebel.Models.Gpt2;

/// <summary>
/// The shape of a GPT-2 model, read from and written to a Hugging Face <c>config.json</c> with GPT-2's keys.
/// </summary>
/// <param name="VocabSize">V, rows of the token embedding (<c>vocab_size</c>).</param>
/// <param name="ContextLength">Longest sequence, rows of the position embedding (<c>n_positions</c>, legacy <c>n_ctx</c>).</param>
/// <param name="EmbeddingSize">C, the residual width (<c>n_embd</c>).</param>
/// <param name="Layers">Number of transformer blocks (<c>n_layer</c>).</param>
/// <param name="Heads">H, attention heads per block (<c>n_head</c>); must divide C.</param>
/// <param name="LayerNormEpsilon">ε added to the variance in every layer norm (<c>layer_norm_epsilon</c>, default 1e-5).</param>
/// <param name="Activation">The MLP nonlinearity (<c>activation_function</c>, default <c>gelu_new</c>).</param>
/// <param name="BosTokenId">Beginning-of-sequence id (<c>bos_token_id</c>), or null.</param>
/// <param name="EosTokenId">End-of-sequence id (<c>eos_token_id</c>), or null; generation stops on it.</param>
/// <param name="InnerSize">Hidden width of the MLP (<c>n_inner</c>; null in the file means 4·C).</param>
public sealed record Gpt2Config(
    int VocabSize,
    int ContextLength,
    int EmbeddingSize,
    int Layers,
    int Heads,
    float LayerNormEpsilon = 1e-5f,
    Gpt2Activation Activation = Gpt2Activation.GeluTanh,
    int? BosTokenId = null,
    int? EosTokenId = null,
    int? InnerSize = null)
{
    /// <summary>
    /// The named <c>tiny</c> preset for small tasks trained from scratch: V = 512, context 256, C = 128, 4 layers,
    /// 4 heads. The vocabulary size is usually replaced by the tokenizer's (<c>with { VocabSize = ... }</c>).
    /// </summary>
    public static Gpt2Config Tiny { get; } = new(VocabSize: 512, ContextLength: 256, EmbeddingSize: 128, Layers: 4, Heads: 4);

    /// <summary>D = C / H, the width of one attention head.</summary>
    public int HeadSize => EmbeddingSize / Heads;

    /// <summary>Hidden width of the MLP: <see cref="InnerSize"/> or 4·C.</summary>
    public int MlpSize => InnerSize ?? 4 * EmbeddingSize;

    /// <summary>The preset called <paramref name="name"/> (only <c>tiny</c> for now).</summary>
    /// <exception cref="ArgumentException">An unknown name.</exception>
    public static Gpt2Config Preset(string name) => name switch
    {
        "tiny" => Tiny,
        _ => throw new ArgumentException($"Unknown model preset \"{name}\"; known presets: tiny.", nameof(name)),
    };

    /// <summary>Throws <see cref="ArgumentException"/> naming the value when a field is out of range.</summary>
    public Gpt2Config Validate()
    {
        static void Positive(int value, string key)
        {
            if (value <= 0) throw new ArgumentException($"Gpt2Config: {key} must be positive, got {value}.");
        }
        Positive(VocabSize, "vocab_size");
        Positive(ContextLength, "n_positions");
        Positive(EmbeddingSize, "n_embd");
        Positive(Layers, "n_layer");
        Positive(Heads, "n_head");
        Positive(MlpSize, "n_inner");
        if (EmbeddingSize % Heads != 0)
            throw new ArgumentException($"Gpt2Config: n_embd ({EmbeddingSize}) must be a multiple of n_head ({Heads}).");
        if (!(LayerNormEpsilon > 0)) throw new ArgumentException($"Gpt2Config: layer_norm_epsilon must be positive, got {LayerNormEpsilon}.");
        if (BosTokenId is { } bos && (bos < 0 || bos >= VocabSize))
            throw new ArgumentException($"Gpt2Config: bos_token_id {bos} is outside the vocabulary [0, {VocabSize}).");
        if (EosTokenId is { } eos && (eos < 0 || eos >= VocabSize))
            throw new ArgumentException($"Gpt2Config: eos_token_id {eos} is outside the vocabulary [0, {VocabSize}).");
        return this;
    }

    /// <summary>Parses a Hugging Face GPT-2 <c>config.json</c>.</summary>
    /// <exception cref="ModelFormatException">Invalid JSON, a missing or mistyped key, an unsupported activation.</exception>
    public static Gpt2Config Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: file not found", path);
        JsonNode? root;
        try { root = JsonNode.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new ModelFormatException(path, $"not valid JSON ({e.Message})", e); }
        if (root is not JsonObject obj) throw new ModelFormatException(path, "expected a JSON object");
        try
        {
            int Required(string key, string? legacy = null)
            {
                var node = obj[key] ?? (legacy is null ? null : obj[legacy]);
                if (node is null) throw new ModelFormatException(path, $"missing key \"{key}\"");
                return Int(node, key);
            }
            int Int(JsonNode node, string key) =>
                node is JsonValue v && v.TryGetValue(out int i) ? i
                : throw new ModelFormatException(path, $"key \"{key}\" must be an integer, found {node.ToJsonString()}");
            int? Optional(string key) => obj[key] is { } n ? Int(n, key) : null;

            float eps = 1e-5f;
            if (obj["layer_norm_epsilon"] is { } e)
                eps = e is JsonValue ev && ev.TryGetValue(out double d) ? (float)d
                    : throw new ModelFormatException(path, $"key \"layer_norm_epsilon\" must be a number, found {e.ToJsonString()}");
            var activation = Gpt2Activation.GeluTanh;
            if (obj["activation_function"] is { } a)
            {
                var name = a is JsonValue av && av.TryGetValue(out string? s) ? s
                    : throw new ModelFormatException(path, $"key \"activation_function\" must be a string, found {a.ToJsonString()}");
                activation = ParseActivation(name)
                    ?? throw new ModelFormatException(path, $"unsupported activation_function \"{name}\" (supported: gelu_new, gelu_pytorch_tanh, gelu_fast, relu; the exact-erf \"gelu\" is not)");
            }
            var config = new Gpt2Config(
                Required("vocab_size"), Required("n_positions", "n_ctx"), Required("n_embd"), Required("n_layer"), Required("n_head"),
                eps, activation, Optional("bos_token_id"), Optional("eos_token_id"), Optional("n_inner"));
            return config.Validate();
        }
        catch (ArgumentException e) { throw new ModelFormatException(path, e.Message, e); }
    }

    /// <summary>Writes this configuration as a Hugging Face <c>config.json</c> (GPT2LMHeadModel), atomically.</summary>
    public void Save(string path)
    {
        var obj = new JsonObject
        {
            ["architectures"] = new JsonArray("GPT2LMHeadModel"),
            ["model_type"] = "gpt2",
            ["vocab_size"] = VocabSize,
            ["n_positions"] = ContextLength,
            ["n_ctx"] = ContextLength,
            ["n_embd"] = EmbeddingSize,
            ["n_layer"] = Layers,
            ["n_head"] = Heads,
            ["n_inner"] = InnerSize,
            ["layer_norm_epsilon"] = double.Parse(LayerNormEpsilon.ToString("R")), // 1e-05, not float noise
            ["activation_function"] = ActivationName(Activation),
            ["bos_token_id"] = BosTokenId,
            ["eos_token_id"] = EosTokenId,
            ["tie_word_embeddings"] = true,
        };
        AtomicFile.WriteAllText(path, obj.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    private static Gpt2Activation? ParseActivation(string name) => name switch
    {
        "gelu_new" or "gelu_pytorch_tanh" or "gelu_fast" => Gpt2Activation.GeluTanh,
        "relu" => Gpt2Activation.Relu,
        _ => null,
    };

    private static string ActivationName(Gpt2Activation activation) => activation switch
    {
        Gpt2Activation.GeluTanh => "gelu_new",
        Gpt2Activation.Relu => "relu",
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation."),
    };
}
