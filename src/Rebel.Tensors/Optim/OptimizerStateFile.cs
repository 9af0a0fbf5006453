using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rebel.Tensors.IO;

namespace Rebel.Tensors.Optim;

/// <summary>
/// Optimizer state on disk: one safetensors file (F32, written atomically) holding each per-parameter buffer as
/// <c>&lt;kind&gt;.&lt;slot&gt;.&lt;parameter&gt;</c> (e.g. <c>adamw.m.h.0.attn.weight</c>), and in its metadata, under
/// <c>rebel.optimizer</c>, a small JSON of the scalars: <c>{"optimizer", "step_count", "learning_rate",
/// "parameters": {name: {"step": t}}}</c>. Doubles are written in shortest round-trip form, so restoring is exact.
/// </summary>
internal static class OptimizerStateFile
{
    internal const string MetadataKey = "rebel.optimizer";

    /// <summary>Per-parameter state to save or restore: step count and the named buffers (null when not allocated yet).</summary>
    internal sealed class Slots(long step, Dictionary<string, float[]?> buffers)
    {
        public long Step { get; set; } = step;
        public Dictionary<string, float[]?> Buffers { get; } = buffers;
    }

    internal static void Save(string path, string kind, long stepCount, double learningRate, Tensor[] parameters, Func<int, Slots> state)
    {
        var scalars = new JsonObject
        {
            ["optimizer"] = kind,
            ["step_count"] = stepCount,
            ["learning_rate"] = learningRate,
        };
        var perParameter = new JsonObject();
        var tensors = new List<(string Name, int[] Shape, ReadOnlyMemory<float> Data)>();
        for (int i = 0; i < parameters.Length; i++)
        {
            var p = parameters[i];
            var slots = state(i);
            perParameter[p.Name!] = new JsonObject { ["step"] = slots.Step };
            foreach (var (slot, buffer) in slots.Buffers)
                if (buffer is not null) tensors.Add(($"{kind}.{slot}.{p.Name}", p.ShapeArray, buffer));
        }
        scalars["parameters"] = perParameter;
        SafeTensorsWriter.Write(path, tensors, new Dictionary<string, string> { [MetadataKey] = scalars.ToJsonString() });
    }

    /// <summary>Reads a state file and checks it belongs to this optimizer kind and these parameters (names and shapes).</summary>
    /// <returns>The saved step count, learning rate, and per parameter (in <paramref name="parameters"/> order) its
    /// step and the buffers named <paramref name="slotNames"/> (null where the file has none).</returns>
    internal static (long StepCount, double LearningRate, Slots[] State) Load(string path, string kind, Tensor[] parameters, string[] slotNames)
    {
        using var file = SafeTensorsFile.Open(path);
        if (!file.Metadata.TryGetValue(MetadataKey, out var json))
            throw Invalid(path, $"no \"{MetadataKey}\" metadata; not an optimizer state file");
        JsonNode root;
        try
        {
            root = JsonNode.Parse(json) ?? throw Invalid(path, "optimizer metadata is JSON null");
        }
        catch (JsonException e)
        {
            throw Invalid(path, $"optimizer metadata is not valid JSON: {e.Message}");
        }

        string savedKind = Get<string>(path, root, "optimizer");
        if (savedKind != kind) throw Invalid(path, $"state is for optimizer \"{savedKind}\", not \"{kind}\"");
        long stepCount = Get<long>(path, root, "step_count");
        double learningRate = Get<double>(path, root, "learning_rate");
        var saved = root["parameters"] as JsonObject ?? throw Invalid(path, "missing \"parameters\" object");

        var ours = parameters.Select(p => p.Name!).ToHashSet(StringComparer.Ordinal);
        var theirs = saved.Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal);
        if (!ours.SetEquals(theirs))
        {
            var missing = ours.Except(theirs).Order(StringComparer.Ordinal).Take(5);
            var extra = theirs.Except(ours).Order(StringComparer.Ordinal).Take(5);
            throw Invalid(path, $"parameters differ: missing from file [{string.Join(", ", missing)}], unknown in file [{string.Join(", ", extra)}]");
        }

        var used = new HashSet<string>(StringComparer.Ordinal);
        var state = new Slots[parameters.Length];
        for (int i = 0; i < parameters.Length; i++)
        {
            var p = parameters[i];
            var slots = state[i] = new Slots(Get<long>(path, saved[p.Name!]!, "step"), new Dictionary<string, float[]?>(StringComparer.Ordinal));
            if (slots.Step < 0) throw Invalid(path, $"parameter \"{p.Name}\" has step {slots.Step}");
            foreach (var slot in slotNames)
            {
                string name = $"{kind}.{slot}.{p.Name}";
                slots.Buffers[slot] = null;
                if (!file.TryGetInfo(name, out var info)) continue;
                if (!info.Shape.SequenceEqual(p.ShapeArray))
                    throw Invalid(path, $"tensor \"{name}\" has shape {info.ShapeText}, parameter has [{string.Join(", ", p.ShapeArray)}]");
                slots.Buffers[slot] = file.ReadFloat32(name);
                used.Add(name);
            }
        }
        var unknown = file.Names.FirstOrDefault(n => !used.Contains(n));
        if (unknown is not null) throw Invalid(path, $"unexpected tensor \"{unknown}\"");
        if (stepCount < 0) throw Invalid(path, $"step_count is {stepCount}");
        return (stepCount, learningRate, state);
    }

    private static T Get<T>(string path, JsonNode node, string field)
    {
        try
        {
            var value = node[field];
            if (value is null) throw Invalid(path, $"missing field \"{field}\"");
            return value.GetValue<T>();
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw Invalid(path, $"field \"{field}\" is not a {typeof(T).Name.ToLower(CultureInfo.InvariantCulture)}");
        }
    }

    internal static InvalidDataException Invalid(string path, string problem) => new($"{path}: {problem}");
}
