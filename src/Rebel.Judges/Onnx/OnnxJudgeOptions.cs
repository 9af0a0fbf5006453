using System.Text.Json;

namespace Rebel.Judges.Onnx;

/// <summary>
/// The settings of an exported judge, as its folder's <c>judge.json</c> gives them. The minimal file is
/// <c>{"kind": "reward", "input_ids": "input_ids", "attention_mask": "attention_mask", "output": "score",
/// "template": "{prompt}{completion}", "max_length": 256}</c>; every other key has a default.
/// </summary>
/// <remarks>
/// The model takes int64 <c>[batch, seq]</c> ids (and a mask of ones and zeros), right-padded, and returns one float per
/// row (<c>[batch]</c> or <c>[batch, 1]</c>). The template is rendered with <c>{prompt}</c> and <c>{completion}</c>
/// (reward) or <c>{prompt}</c>, <c>{a}</c> and <c>{b}</c> (pairwise), then encoded with the folder's tokenizer and its
/// default special tokens. An input longer than <see cref="MaxLength"/> loses code points from the left of its prompt.
/// </remarks>
public sealed record OnnxJudgeOptions
{
    /// <summary>The file name read in a judge folder.</summary>
    public const string FileName = "judge.json";

    private static readonly string[] s_keys =
        ["kind", "input_ids", "attention_mask", "output", "template", "max_length", "temperature", "symmetrize",
         "batch_size", "provider", "chat_template", "threads", "pad_id"];

    /// <summary><c>kind</c>: a reward head or a pairwise ranker (required).</summary>
    public required OnnxJudgeKind Kind { get; init; }

    /// <summary><c>input_ids</c>: the name of the model's int64 id input (required).</summary>
    public required string InputIds { get; init; }

    /// <summary><c>attention_mask</c>: the name of the model's int64 mask input, or null when it takes none.</summary>
    public string? AttentionMask { get; init; }

    /// <summary><c>output</c>: the name of the output holding one float per row (required).</summary>
    public required string Output { get; init; }

    /// <summary><c>template</c>: the text the model reads, e.g. <c>{prompt}{completion}</c> (required).</summary>
    public required string Template { get; init; }

    /// <summary><c>max_length</c>: the most tokens one row may have (default 512).</summary>
    public int MaxLength { get; init; } = 512;

    /// <summary><c>temperature</c> τ: P = σ((s_a − s_b) / τ) for rewards, σ(z / τ) for pairwise logits (default 1).</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary><c>symmetrize</c> (pairwise): P = ½(σ(z(a, b)) + 1 − σ(z(b, a))), cancelling position bias (default true).</summary>
    public bool Symmetrize { get; init; } = true;

    /// <summary><c>batch_size</c>: rows per inference call (default 16).</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary><c>provider</c>: <c>cpu</c> (default) or <c>cuda</c>.</summary>
    public OnnxExecutionProvider Provider { get; init; } = OnnxExecutionProvider.Cpu;

    /// <summary>
    /// <c>chat_template</c>: render each input as the conversation [user: prompt, assistant: completion] with the
    /// folder's chat template (tokenizer_config.json) instead of <see cref="Template"/> (reward judges; default false).
    /// </summary>
    public bool ChatTemplate { get; init; }

    /// <summary><c>threads</c>: batches run at once, each on one ONNX Runtime thread (default: the processor count).</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary><c>pad_id</c>: the id right padding uses (its mask is 0; default 0).</summary>
    public int PadId { get; init; }

    /// <summary>The placeholders <see cref="Template"/> must contain for <see cref="Kind"/>.</summary>
    public IReadOnlyList<string> RequiredPlaceholders =>
        Kind == OnnxJudgeKind.Reward ? ["{completion}"] : ["{a}", "{b}"];

    /// <summary>Checks every setting; the message names the key and the value.</summary>
    /// <exception cref="InvalidDataException">A setting is out of range or the template lacks a placeholder.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(InputIds)) throw Invalid("input_ids", "must name the model's id input");
        if (string.IsNullOrWhiteSpace(Output)) throw Invalid("output", "must name the model's output");
        if (AttentionMask is { } mask && string.IsNullOrWhiteSpace(mask)) throw Invalid("attention_mask", "must not be empty");
        if (MaxLength < 1) throw Invalid("max_length", $"must be at least 1 (got {MaxLength})");
        if (!(Temperature > 0 && double.IsFinite(Temperature))) throw Invalid("temperature", $"must be finite and positive (got {Temperature})");
        if (BatchSize < 1) throw Invalid("batch_size", $"must be at least 1 (got {BatchSize})");
        if (Threads < 1) throw Invalid("threads", $"must be at least 1 (got {Threads})");
        if (PadId < 0) throw Invalid("pad_id", $"must not be negative (got {PadId})");
        if (ChatTemplate && Kind != OnnxJudgeKind.Reward) throw Invalid("chat_template", "applies to reward judges only");
        if (!ChatTemplate)
            foreach (var placeholder in RequiredPlaceholders)
                if (!Template.Contains(placeholder, StringComparison.Ordinal))
                    throw Invalid("template", $"must contain {placeholder} for a {Kind.ToString().ToLowerInvariant()} judge (got \"{Template}\")");
    }

    /// <summary>Reads and validates <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">It is not valid JSON, a key is unknown or missing, or a value is out of range; the message names the file.</exception>
    public static OnnxJudgeOptions Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: not found (an onnx: judge folder needs {FileName})", path);
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { AllowDuplicateProperties = false });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new InvalidDataException("must be a JSON object");
            foreach (var property in root.EnumerateObject())
                if (Array.IndexOf(s_keys, property.Name) < 0)
                    throw new InvalidDataException($"unknown key \"{property.Name}\" (known: {string.Join(", ", s_keys)})");
            var defaults = new OnnxJudgeOptions { Kind = OnnxJudgeKind.Reward, InputIds = "", Output = "", Template = "" };
            var options = new OnnxJudgeOptions
            {
                Kind = RequiredString(root, "kind") switch
                {
                    "reward" => OnnxJudgeKind.Reward,
                    "pairwise" => OnnxJudgeKind.Pairwise,
                    var other => throw Invalid("kind", $"must be \"reward\" or \"pairwise\" (got \"{other}\")"),
                },
                InputIds = RequiredString(root, "input_ids"),
                AttentionMask = OptionalString(root, "attention_mask"),
                Output = RequiredString(root, "output"),
                Template = OptionalString(root, "template") ?? (Bool(root, "chat_template", false) ? "" : RequiredString(root, "template")),
                MaxLength = Int(root, "max_length", defaults.MaxLength),
                Temperature = Number(root, "temperature", defaults.Temperature),
                Symmetrize = Bool(root, "symmetrize", defaults.Symmetrize),
                BatchSize = Int(root, "batch_size", defaults.BatchSize),
                Provider = (OptionalString(root, "provider") ?? "cpu") switch
                {
                    "cpu" => OnnxExecutionProvider.Cpu,
                    "cuda" => OnnxExecutionProvider.Cuda,
                    var other => throw Invalid("provider", $"must be \"cpu\" or \"cuda\" (got \"{other}\")"),
                },
                ChatTemplate = Bool(root, "chat_template", false),
                Threads = Int(root, "threads", defaults.Threads),
                PadId = Int(root, "pad_id", defaults.PadId),
            };
            options.Validate();
            return options;
        }
        catch (Exception e) when (e is JsonException or InvalidDataException)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    private static InvalidDataException Invalid(string key, string reason) => new($"\"{key}\" {reason}");

    private static string RequiredString(JsonElement root, string key) =>
        OptionalString(root, key) ?? throw Invalid(key, "is missing");

    private static string? OptionalString(JsonElement root, string key)
    {
        if (!root.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw Invalid(key, $"must be a string (got {value.ValueKind.ToString().ToLowerInvariant()})");
    }

    private static int Int(JsonElement root, string key, int fallback)
    {
        if (!root.TryGetProperty(key, out var value)) return fallback;
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int n) ? n : throw Invalid(key, $"must be an integer (got {value.GetRawText()})");
    }

    private static double Number(JsonElement root, string key, double fallback)
    {
        if (!root.TryGetProperty(key, out var value)) return fallback;
        return value.ValueKind == JsonValueKind.Number ? value.GetDouble() : throw Invalid(key, $"must be a number (got {value.GetRawText()})");
    }

    private static bool Bool(JsonElement root, string key, bool fallback)
    {
        if (!root.TryGetProperty(key, out var value)) return fallback;
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Invalid(key, $"must be true or false (got {value.GetRawText()})"),
        };
    }
}
