using System.Text.Json;
using System.Text.Json.Nodes;
using Rebel.Models.Data;

namespace Rebel.SelfPlay.Pipeline;

/// <summary>
/// <c>RUN_DIR/run.json</c>: what a <c>rebel train</c> run is — its resolved config with every input path replaced by the
/// SHA-256 of what it names (prompts, held-out prompts, the model folder or SFT corpus, offline and baseline data), and
/// the judge's id in place of its spec (the id carries a model judge's content hash). The first run writes it before any work; a rerun or
/// <c>--resume</c> must bring an equal stamp, else it is refused with every differing setting named, so a run folder
/// never mixes two configs or reports one config's numbers under another's settings.
/// </summary>
/// <remarks>
/// <para>Paths themselves are not compared (a moved or cloned repository keeps its runs); what they name is.</para>
/// <para>With <c>--resume</c> the settings in <see cref="Resumable"/> may change: they decide how far the run goes and
/// how often it saves and evaluates, not what an iteration computes. A run folder from before stamps existed, or one
/// with other settings, is started afresh only by <c>--overwrite</c> (<see cref="Clear"/>).</para>
/// </remarks>
internal static class RunStamp
{
    public const string FileName = "run.json";

    /// <summary>
    /// Settings that <c>--resume</c> may change: <c>rebel.iterations</c> (continue a finished run further; with a linear or
    /// cosine schedule the decay is recomputed for the new total from the resumed step on), <c>rebel.checkpoint_interval</c>,
    /// <c>rebel.eval_interval</c> and <c>gemm</c> (the matrix-multiply backend).
    /// </summary>
    public static readonly IReadOnlyList<string> Resumable = ["rebel.iterations", "rebel.checkpoint_interval", "rebel.eval_interval", "gemm"];

    /// <summary>What <c>--overwrite</c> removes from a run folder: everything <c>rebel train</c> writes there except
    /// <c>reference/</c>, the SFT reference, which carries its own content stamp and is rebuilt when that differs.</summary>
    private static readonly string[] RunEntries =
        [FileName, "config.json", "metrics.jsonl", "checkpoints", "baseline", "tournament", "report.md", "loss.svg", "win_rate.svg"];

    /// <summary>The stamp of <paramref name="config"/> run under the judge <paramref name="judgeId"/>.</summary>
    public static JsonObject Of(TrainConfig config, string judgeId)
    {
        var settings = JsonSerializer.SerializeToNode(config, Rebel.SelfPlay.Training.RebelOptions.JsonOptions)!.AsObject();
        // paths out, content in
        foreach (var key in new[] { "model", "prompts", "eval_prompts", "run_dir" }) settings.Remove(key);
        if (settings["lora"] is null) settings.Remove("lora");   // full fine-tuning stamps as before the lora section existed
        (settings["reference"] as JsonObject)?.Remove("sft_data");
        (settings["rebel"] as JsonObject)?.Remove("offline_data");
        (settings["baseline"] as JsonObject)?.Remove("data");
        var inputs = new JsonObject
        {
            ["prompts_sha256"] = ContentHash.OfDataset(config.Prompts),
            ["eval_prompts_sha256"] = Optional(config.EvalPrompts, ContentHash.OfDataset),
            ["model_sha256"] = Optional(config.Model, ModelHash),
            ["sft_data_sha256"] = Optional(config.Reference?.SftData, ContentHash.OfDataset),
            ["offline_data_sha256"] = Optional(config.Rebel.OfflineData, ContentHash.OfDataset),
            ["baseline_data_sha256"] = Optional(config.Baseline?.Data, ContentHash.OfDataset),
        };
        settings["judge"] = judgeId;                     // the id, not the spec: it names behaviour (a model's content hash)
        settings["inputs"] = inputs;
        return settings;
    }

    /// <summary>A model folder's content hash; an adapter folder's covers its base folder too ("adapter+base").</summary>
    private static string ModelHash(string directory) => Rebel.Models.Lora.PeftAdapterFolder.IsAdapter(directory)
        ? $"{ContentHash.OfDirectory(directory)}+{ContentHash.OfDirectory(Rebel.Models.Lora.PeftAdapterFolder.ResolveBase(directory))}"
        : ContentHash.OfDirectory(directory);

    /// <summary>
    /// Writes <paramref name="stamp"/> into <paramref name="runDir"/> when the folder holds no run, or when the saved stamp
    /// agrees with it (outside <see cref="Resumable"/> when <paramref name="resume"/>); otherwise refuses.
    /// </summary>
    /// <exception cref="InvalidOperationException">The folder holds a run with other settings (each named, old → new), or a
    /// run without a stamp.</exception>
    public static void Ensure(string runDir, JsonObject stamp, bool resume)
    {
        var path = Path.Combine(runDir, FileName);
        if (File.Exists(path))
        {
            JsonObject saved;
            try
            {
                saved = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidDataException($"{path}: expected a JSON object");
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path}: not valid JSON ({e.Message}); use --overwrite to start the run afresh", e);
            }
            var differences = Differences(saved, stamp).Where(d => !(resume && Resumable.Contains(d.Key))).ToList();
            if (differences.Count > 0)
                throw new InvalidOperationException(
                    $"{runDir} holds a run made with other settings: {string.Join("; ", differences.Select(d => $"{d.Key} {d.Saved} → {d.Now}"))}. " +
                    $"Rerun with the same config, give another run_dir, or add --overwrite to start afresh" +
                    $" (--resume may change only {string.Join(", ", Resumable)}).");
        }
        else if (Directory.Exists(runDir) && RunEntries.Skip(1).Any(e => Path.Exists(Path.Combine(runDir, e))))
        {
            throw new InvalidOperationException(
                $"{runDir} holds a run without {FileName} (made by an older rebel), so its settings cannot be checked; add --overwrite to start afresh, or give another run_dir.");
        }
        AtomicFile.WriteAllText(path, stamp.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>Removes what <c>rebel train</c> wrote in <paramref name="runDir"/> (<see cref="RunEntries"/>), so the run starts afresh.</summary>
    public static void Clear(string runDir)
    {
        foreach (var entry in RunEntries)
        {
            var path = Path.Combine(runDir, entry);
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
            else File.Delete(path);
        }
    }

    /// <summary>Every leaf whose value differs between the two stamps, by dotted key, in the new stamp's order.</summary>
    internal static IEnumerable<(string Key, string Saved, string Now)> Differences(JsonObject saved, JsonObject now)
    {
        var before = Flatten(saved);
        var after = Flatten(now);
        foreach (var (key, value) in after)
            if (!before.TryGetValue(key, out var old) || !JsonNode.DeepEquals(old, value))
                yield return (key, Show(before.GetValueOrDefault(key)), Show(value));
        foreach (var (key, old) in before)
            if (!after.ContainsKey(key)) yield return (key, Show(old), "(none)");
    }

    private static Dictionary<string, JsonNode?> Flatten(JsonObject root)
    {
        var leaves = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        void Walk(string prefix, JsonNode? node)
        {
            if (node is JsonObject o)
                foreach (var (k, v) in o) Walk(prefix.Length == 0 ? k : $"{prefix}.{k}", v);
            else
                leaves[prefix] = node;
        }
        Walk("", root);
        return leaves;
    }

    private static string Show(JsonNode? value) => value?.ToJsonString() ?? "(none)";

    private static string? Optional(string? path, Func<string, string> hash) => path is null ? null : hash(path);
}
