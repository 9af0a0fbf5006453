using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rebel.Tensors.IO;

/// <summary>
/// The weights of a Hugging Face model folder: one <c>model.safetensors</c>, or shards listed by
/// <c>model.safetensors.index.json</c> (<c>{"metadata": {...}, "weight_map": {tensor: shard file}}</c>). Every file is
/// memory-mapped and validated on open; tensors are converted to float32 one at a time as they are read, so loading
/// never holds a second full copy of the weights.
/// </summary>
/// <remarks>
/// Errors name the file and the tensor: an index that is not JSON or has no <c>weight_map</c>, a shard the index names
/// that is missing or truncated, a tensor the index places in a shard that does not hold it, a shard tensor the index
/// does not list.
/// </remarks>
public sealed class SafeTensorsCheckpoint : IDisposable
{
    /// <summary>The single-file weights name.</summary>
    public const string SingleFile = "model.safetensors";

    /// <summary>The shard index name.</summary>
    public const string IndexFile = "model.safetensors.index.json";

    private readonly Dictionary<string, SafeTensorsFile> _files;
    private readonly Dictionary<string, SafeTensorsFile> _byTensor;

    private SafeTensorsCheckpoint(string directory, Dictionary<string, SafeTensorsFile> files, Dictionary<string, SafeTensorsFile> byTensor, bool sharded)
    {
        Directory = directory;
        _files = files;
        _byTensor = byTensor;
        IsSharded = sharded;
        Names = byTensor.Keys.Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>The model folder.</summary>
    public string Directory { get; }

    /// <summary>True when the weights came from an index and shards.</summary>
    public bool IsSharded { get; }

    /// <summary>Every tensor name, in ordinal order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The file names (relative to the folder) of the weights, in order.</summary>
    public IReadOnlyList<string> Files => _files.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>True when <paramref name="directory"/> holds <see cref="SingleFile"/> or <see cref="IndexFile"/>.</summary>
    public static bool Exists(string directory) =>
        File.Exists(Path.Combine(directory, SingleFile)) || File.Exists(Path.Combine(directory, IndexFile));

    /// <summary>Opens the weights of <paramref name="directory"/> (the single file when present, else the index and its shards).</summary>
    /// <exception cref="FileNotFoundException">Neither model.safetensors nor model.safetensors.index.json exists.</exception>
    /// <exception cref="SafeTensorsFormatException">A bad index or shard (the message names the file and tensor).</exception>
    public static SafeTensorsCheckpoint Open(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var single = Path.Combine(directory, SingleFile);
        if (File.Exists(single))
        {
            var file = SafeTensorsFile.Open(single);
            return new SafeTensorsCheckpoint(directory, new() { [SingleFile] = file }, file.Names.ToDictionary(n => n, _ => file, StringComparer.Ordinal), sharded: false);
        }
        var index = Path.Combine(directory, IndexFile);
        if (!File.Exists(index))
            throw new FileNotFoundException($"{directory}: no weights ({SingleFile} or {IndexFile})", single);
        return OpenSharded(directory, index);
    }

    private static SafeTensorsCheckpoint OpenSharded(string directory, string index)
    {
        var map = ReadWeightMap(index);
        var files = new Dictionary<string, SafeTensorsFile>(StringComparer.Ordinal);
        var byTensor = new Dictionary<string, SafeTensorsFile>(StringComparer.Ordinal);
        try
        {
            foreach (var (tensor, shard) in map)
            {
                if (!files.TryGetValue(shard, out var file))
                {
                    var path = Path.Combine(directory, shard);
                    if (!File.Exists(path))
                        throw new SafeTensorsFormatException(index, $"shard \"{shard}\" named for this tensor is missing from the folder", tensor);
                    file = SafeTensorsFile.Open(path);
                    files.Add(shard, file);
                }
                if (!file.Contains(tensor))
                    throw new SafeTensorsFormatException(file.Path, "the index places this tensor in this shard, but the shard does not hold it", tensor);
                byTensor.Add(tensor, file);
            }
            foreach (var file in files.Values)
                foreach (var name in file.Names)
                    if (!map.ContainsKey(name))
                        throw new SafeTensorsFormatException(index, $"shard \"{Path.GetFileName(file.Path)}\" holds this tensor, but the index does not list it", name);
            return new SafeTensorsCheckpoint(directory, files, byTensor, sharded: true);
        }
        catch
        {
            foreach (var f in files.Values) f.Dispose();
            throw;
        }
    }

    private static Dictionary<string, string> ReadWeightMap(string index)
    {
        JsonNode? root;
        try { root = JsonNode.Parse(File.ReadAllText(index)); }
        catch (JsonException e) { throw new SafeTensorsFormatException(index, $"not valid JSON ({e.Message})", inner: e); }
        if (root is not JsonObject obj || obj["weight_map"] is not JsonObject weights)
            throw new SafeTensorsFormatException(index, "expected a JSON object with a \"weight_map\" object");
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (tensor, value) in weights)
        {
            if (value is not JsonValue v || !v.TryGetValue(out string? shard) || string.IsNullOrEmpty(shard)
                || shard.Contains('/') || shard.Contains('\\') || shard.Contains(".."))
                throw new SafeTensorsFormatException(index, $"weight_map entry is {value?.ToJsonString() ?? "null"}, expected a shard file name in this folder", tensor);
            map.Add(tensor, shard);
        }
        return map;
    }

    /// <summary>True when the weights hold a tensor of this name.</summary>
    public bool Contains(string name) => _byTensor.ContainsKey(name);

    /// <summary>A tensor's header entry and the path of the file that holds it.</summary>
    public bool TryGetInfo(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SafeTensorInfo? info, out string file)
    {
        if (_byTensor.TryGetValue(name, out var f))
        {
            file = f.Path;
            return f.TryGetInfo(name, out info);
        }
        info = null;
        file = Directory;
        return false;
    }

    /// <summary>The path of the file that holds <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such tensor.</exception>
    public string FileOf(string name) =>
        _byTensor.TryGetValue(name, out var f) ? f.Path : throw new KeyNotFoundException($"{Directory}: no tensor named \"{name}\"");

    /// <summary>Reads a tensor into <paramref name="destination"/> as float32 (see <see cref="SafeTensorsFile.ReadInto"/>).</summary>
    public void ReadInto(string name, Span<float> destination) =>
        (_byTensor.TryGetValue(name, out var f) ? f : throw new KeyNotFoundException($"{Directory}: no tensor named \"{name}\"")).ReadInto(name, destination);

    /// <summary>Reads a tensor as a new float32 array.</summary>
    public float[] ReadFloat32(string name) =>
        (_byTensor.TryGetValue(name, out var f) ? f : throw new KeyNotFoundException($"{Directory}: no tensor named \"{name}\"")).ReadFloat32(name);

    /// <summary>
    /// Writes <paramref name="tensors"/> into <paramref name="directory"/> as Hugging Face does: one
    /// <c>model.safetensors</c> when the data fits in <paramref name="maxShardBytes"/>, else shards
    /// <c>model-0000i-of-0000n.safetensors</c> (tensors in the given order, a shard closed before it would exceed the
    /// limit) and an index whose <c>metadata.total_size</c> is the data size in bytes. Each file is written atomically.
    /// </summary>
    public static void Write(string directory, IReadOnlyList<(string Name, int[] Shape, ReadOnlyMemory<float> Data, SafeTensorsDType DType)> tensors,
        long maxShardBytes, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(tensors);
        if (maxShardBytes < 1) throw new ArgumentOutOfRangeException(nameof(maxShardBytes), maxShardBytes, "The shard size limit must be positive.");
        System.IO.Directory.CreateDirectory(directory);
        static long Bytes((string, int[], ReadOnlyMemory<float> Data, SafeTensorsDType DType) t) => (long)t.Data.Length * t.DType.ElementSize();
        long total = tensors.Sum(Bytes);
        if (total <= maxShardBytes)
        {
            SafeTensorsWriter.Write(Path.Combine(directory, SingleFile), tensors, metadata);
            File.Delete(Path.Combine(directory, IndexFile));
            return;
        }
        var shards = new List<List<(string Name, int[] Shape, ReadOnlyMemory<float> Data, SafeTensorsDType DType)>> { new() };
        long size = 0;
        foreach (var t in tensors)
        {
            if (size > 0 && size + Bytes(t) > maxShardBytes) { shards.Add([]); size = 0; }
            shards[^1].Add(t);
            size += Bytes(t);
        }
        var weightMap = new JsonObject();
        for (int i = 0; i < shards.Count; i++)
        {
            var name = $"model-{i + 1:D5}-of-{shards.Count:D5}.safetensors";
            SafeTensorsWriter.Write(Path.Combine(directory, name), shards[i], metadata);
            foreach (var t in shards[i]) weightMap[t.Name] = name;
        }
        var sorted = new JsonObject();
        foreach (var (k, v) in weightMap.OrderBy(kv => kv.Key, StringComparer.Ordinal)) sorted[k] = v!.GetValue<string>();
        var index = new JsonObject { ["metadata"] = new JsonObject { ["total_size"] = total }, ["weight_map"] = sorted };
        var text = index.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
        var indexPath = Path.Combine(directory, IndexFile);
        var tmp = $"{indexPath}.{Guid.NewGuid():N}.tmp";
        File.WriteAllText(tmp, text);
        File.Move(tmp, indexPath, overwrite: true);
        File.Delete(Path.Combine(directory, SingleFile));
    }

    /// <summary>Unmaps every file.</summary>
    public void Dispose()
    {
        foreach (var f in _files.Values) f.Dispose();
    }
}
