using System.Text.Json;
using Rebel.Models.Data;
using Rebel.Models.Lora;
using Rebel.SelfPlay.Training;
using Rebel.Tensors.Kernels;

namespace Rebel.SelfPlay.Pipeline;

/// <summary>
/// A <c>rebel train</c> run: the starting policy (a model directory, or an SFT reference built from a corpus), the
/// prompts and judge, REBEL's options, and the optional baseline and tournament stages. Relative paths are resolved
/// against the config file's folder. <c>data/default.json</c> is the shipped example; docs/default-task.md explains
/// every value.
/// </summary>
public sealed record TrainConfig
{
    /// <summary>The policy to train: a Hugging Face-layout GPT-2 or Llama-family model directory, or a PEFT LoRA adapter
    /// folder over a local base (loaded merged), which is also π_ref.
    /// Give either this or <see cref="Reference"/>.</summary>
    public string? Model { get; init; }

    /// <summary>
    /// LoRA for the trained policies (null: full fine-tuning): <c>{"rank", "alpha", "dropout", "target_modules",
    /// "use_rslora", "seed"}</c>. The base stays frozen, only the adapters train, and checkpoints hold the adapter in PEFT
    /// layout (whose base is π_ref's folder).
    /// </summary>
    public LoraOptions? Lora { get; init; }

    /// <summary>Build π_ref by SFT instead of loading <see cref="Model"/> (cached in <c>RUN_DIR/reference/</c>).</summary>
    public ReferenceConfig? Reference { get; init; }

    /// <summary>Training prompts, JSONL <c>{"prompt"}</c>.</summary>
    public required string Prompts { get; init; }

    /// <summary>Held-out prompts for the periodic win rate against π_ref and the tournament (optional).</summary>
    public string? EvalPrompts { get; init; }

    /// <summary>How many held-out prompts (the first ones) each periodic win-rate check uses. Default 128.</summary>
    public int PeriodicEvalPrompts { get; init; } = 128;

    /// <summary>The judge spec, e.g. <c>vote(length,keywords,diversity)</c> (see docs/judges.md).</summary>
    public required string Judge { get; init; }

    /// <summary>The run directory (config.json, metrics.jsonl, checkpoints/, report.md).</summary>
    public string RunDir { get; init; } = "runs/train";

    /// <summary>REBEL's options (η, K, β, M, α, …); see <see cref="RebelOptions"/>.</summary>
    public RebelOptions Rebel { get; init; } = new();

    /// <summary>How runs of this config are named in output: "REBEL", or "the sppo loss" for a baseline loss.</summary>
    internal string Algorithm => Rebel.Loss == "rebel" ? "REBEL" : $"the {Rebel.Loss} loss";

    /// <summary>
    /// Renamed dataset columns, field → column (e.g. <c>{"prompt": "question"}</c>), applied to every dataset of the run:
    /// prompts, eval_prompts, rebel.offline_data, baseline.data and reference.sft_data. Fields not named keep TRL's
    /// names (see docs/data.md). Default: none.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Columns { get; init; }

    /// <summary>The validated mapping <see cref="Columns"/> describes (<see cref="Rebel.Models.Data.ColumnMapping.Default"/> without one): pass it to
    /// <see cref="PromptInput.Read"/> to read a dataset the way the pipeline does.</summary>
    /// <exception cref="ArgumentException">An unknown field, or two fields on one column.</exception>
    public ColumnMapping ColumnMapping => Columns is null ? ColumnMapping.Default : ColumnMapping.From(Columns);

    /// <summary>The Bradley–Terry reward-model baseline run with the same budget (null: skipped).</summary>
    public BaselineConfig? Baseline { get; init; }

    /// <summary>The closing tournament on held-out prompts (null: skipped; it needs <see cref="EvalPrompts"/>).</summary>
    public TournamentStageConfig? Tournament { get; init; }

    /// <summary>
    /// The matrix-multiply backend for the run: <c>auto</c> (OpenBLAS when it loads, default), <c>managed</c> or
    /// <c>blas</c>. For tiny models <c>managed</c> is faster on a busy machine: OpenBLAS's idle worker threads spin.
    /// </summary>
    public GemmBackend Gemm { get; init; } = GemmBackend.Auto;

    /// <summary>Reads a config file, resolves its relative paths and validates it.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">Not valid JSON for this record (unknown keys included).</exception>
    /// <exception cref="ArgumentException">Invalid values, all named.</exception>
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
            throw new InvalidDataException($"{path}: {ErrorText.Json(e.Message)}", e);
        }
        if (config is null) throw new InvalidDataException($"{path}: empty config");
        var root = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string Resolve(string p) => Path.GetFullPath(Path.Combine(root, p));
        string? ResolveOptional(string? p) => p is null ? null : Resolve(p);
        config = config with
        {
            Model = ResolveOptional(config.Model),
            Reference = config.Reference is null ? null : config.Reference with { SftData = Resolve(config.Reference.SftData) },
            Prompts = Resolve(config.Prompts),
            EvalPrompts = ResolveOptional(config.EvalPrompts),
            RunDir = Resolve(config.RunDir),
            Rebel = config.Rebel with { OfflineData = ResolveOptional(config.Rebel.OfflineData) },
            Baseline = config.Baseline is null ? null : config.Baseline with { Data = ResolveOptional(config.Baseline.Data) },
        };
        try
        {
            return config.Validate();
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{path}: {ErrorText.Of(e)}", e);
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> when the sections do not fit together or hold invalid values.</summary>
    public TrainConfig Validate()
    {
        if ((Model is null) == (Reference is null))
            throw new ArgumentException("give either \"model\" (a model directory) or \"reference\" (how to build one by SFT), not both or neither.");
        Reference?.Validate();
        try { Lora?.Validate(); }
        catch (ArgumentException e) { throw new ArgumentException($"lora: {e.Message}", e); }
        Rebel.Validate();
        Baseline?.Validate();
        Tournament?.Validate();
        _ = ColumnMapping; // throws for an unknown field or two fields on one column
        if (PeriodicEvalPrompts < 1) throw new ArgumentException($"periodic_eval_prompts must be ≥ 1, got {PeriodicEvalPrompts}.");
        if (Tournament is not null && EvalPrompts is null) throw new ArgumentException("the tournament needs \"eval_prompts\" (held-out prompts).");
        if (Baseline is not null && (Baseline.Data ?? Rebel.OfflineData) is null)
            throw new ArgumentException("the baseline needs preference data: set baseline.data or rebel.offline_data.");
        return this;
    }

    /// <summary>The resolved config as JSON (written to the run directory), credentials in URLs redacted.</summary>
    public string ToJson() => global::Rebel.Judges.Llm.UrlCredentials.Redact(JsonSerializer.Serialize(this, RebelOptions.JsonOptions));
}
