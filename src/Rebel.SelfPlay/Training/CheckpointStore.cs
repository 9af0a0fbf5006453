using System.Globalization;
using System.Text.Json;
using Rebel.Models.Data;
using Rebel.SelfPlay.Policies;
using Rebel.Tensors.Optim;

namespace Rebel.SelfPlay.Training;

/// <summary>
/// The run directory's <c>checkpoints/iter-N/</c> folders: policy (<c>model/</c>), optimizer state, trainer state
/// (iteration, RNG, magnet) and the options, each folder written in full under a temporary name and then renamed,
/// so a crash never leaves a half-written checkpoint where a resume would find it.
/// </summary>
internal sealed class CheckpointStore(string runDirectory)
{
    private const string Prefix = "iter-";

    /// <summary>The <c>checkpoints</c> folder.</summary>
    public string Directory { get; } = Path.Combine(runDirectory, "checkpoints");

    /// <summary>The folder of iteration <paramref name="iteration"/>'s checkpoint.</summary>
    public string PathOf(int iteration) => Path.Combine(Directory, Prefix + iteration.ToString(CultureInfo.InvariantCulture));

    /// <summary>Completed checkpoints, oldest first.</summary>
    public IReadOnlyList<(int Iteration, string Path)> List()
    {
        if (!System.IO.Directory.Exists(Directory)) return [];
        return System.IO.Directory.GetDirectories(Directory, Prefix + "*")
            .Select(d => (Ok: int.TryParse(Path.GetFileName(d)[Prefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var n), N: n, Path: d))
            .Where(x => x.Ok && File.Exists(Path.Combine(x.Path, "trainer_state.json")))
            .OrderBy(x => x.N).Select(x => (x.N, x.Path)).ToList();
    }

    /// <summary>The newest completed checkpoint, or null.</summary>
    public (int Iteration, string Path)? Latest()
    {
        var all = List();
        return all.Count == 0 ? null : all[^1];
    }

    /// <summary>Writes a checkpoint atomically and returns its folder.</summary>
    public string Save(TrainerState state, IPolicy policy, IOptimizer optimizer, IPolicy? magnet, RebelOptions options,
        OptimisticStep? optimism = null)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var final = PathOf(state.Iteration);
        var tmp = Path.Combine(Directory, $".tmp-{Prefix}{state.Iteration}-{Environment.ProcessId}");
        using var pending = PendingWrites.Begin(tmp);                            // discarded if the process exits midway
        try
        {
            if (System.IO.Directory.Exists(tmp)) System.IO.Directory.Delete(tmp, recursive: true);
            System.IO.Directory.CreateDirectory(tmp);
            policy.Save(Path.Combine(tmp, "model"));
            if (magnet is not null) magnet.Save(Path.Combine(tmp, "magnet"));
            optimizer.SaveState(Path.Combine(tmp, "optimizer.safetensors"));
            optimism?.Save(Path.Combine(tmp, OptimisticStep.FileName));     // optimistic REBEL's v_{t−1}
            WriteJson(Path.Combine(tmp, "options.json"), options, RebelOptions.JsonOptions);
            WriteJson(Path.Combine(tmp, "trainer_state.json"), state, StateJson); // written last: marks the folder complete
            if (System.IO.Directory.Exists(final)) System.IO.Directory.Delete(final, recursive: true);
            System.IO.Directory.Move(tmp, final);
            return final;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            PendingWrites.TryDelete(tmp);                                       // a full disk leaves no half checkpoint behind
            throw new IOException($"{final}: could not write the checkpoint: {(e is UnauthorizedAccessException ? "permission denied" : e.Message)}", e);
        }
    }

    /// <summary>Reads the trainer state of a checkpoint folder.</summary>
    public static TrainerState ReadState(string checkpoint)
    {
        var path = Path.Combine(checkpoint, "trainer_state.json");
        try
        {
            return JsonSerializer.Deserialize<TrainerState>(File.ReadAllText(path), StateJson)
                ?? throw new InvalidDataException($"{path}: empty trainer state");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a valid trainer state ({e.Message})", e);
        }
    }

    private static readonly JsonSerializerOptions StateJson = new() { WriteIndented = true, IncludeFields = false };

    private static void WriteJson<T>(string path, T value, JsonSerializerOptions options)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        JsonSerializer.Serialize(stream, value, options);
        stream.Flush(flushToDisk: true);
    }
}
