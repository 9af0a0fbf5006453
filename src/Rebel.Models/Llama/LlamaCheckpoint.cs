using Rebel.Models.Gpt2;
using Rebel.Models.Tokenization;
using Rebel.Tensors.IO;

namespace Rebel.Models.Llama;

/// <summary>
/// Reads and writes Llama-family models in the Hugging Face folder layout: <c>config.json</c>,
/// <c>generation_config.json</c>, and <c>model.safetensors</c> or shards with <c>model.safetensors.index.json</c>.
/// </summary>
/// <remarks>
/// Loading converts F32, BF16 and F16 tensors to float32 straight from the memory-mapped files, one tensor at a time,
/// and remembers each tensor's dtype so that saving writes it back the same (an exact round trip). A tied model accepts
/// an <c>lm_head.weight</c> equal to the embedding; legacy <c>rotary_emb.inv_freq</c> buffers are ignored. A missing
/// tensor, a wrong shape, an unreadable dtype or an unexpected tensor is a <see cref="ModelFormatException"/> naming the
/// tensor and the file.
/// </remarks>
public static class LlamaCheckpoint
{
    /// <summary>Largest weights file written before splitting into shards (Hugging Face's default, 5 GB).</summary>
    public const long DefaultMaxShardBytes = 5_000_000_000;

    /// <summary>Loads the model in <paramref name="directory"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">No such directory.</exception>
    /// <exception cref="FileNotFoundException">config.json or the weights are missing.</exception>
    /// <exception cref="ModelFormatException">A bad config, or tensors that do not match it.</exception>
    /// <exception cref="SafeTensorsFormatException">A malformed or truncated weights file or index.</exception>
    public static LlamaModel Load(string directory)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"{directory}: model directory not found");
        var config = LlamaConfig.Load(directory);
        using var weights = SafeTensorsCheckpoint.Open(directory);
        var model = new LlamaModel(config, rng: null) { SourceConfig = LlamaConfig.ReadObject(Path.Combine(directory, LlamaConfig.ConfigFile)) };
        model.StorageTypes = LoadInto(model, weights);
        return model;
    }

    /// <summary>Copies every tensor of <paramref name="weights"/> into the model's parameters, checking names, shapes and dtypes.</summary>
    internal static Dictionary<string, SafeTensorsDType> LoadInto(LlamaModel model, SafeTensorsCheckpoint weights)
    {
        var types = new Dictionary<string, SafeTensorsDType>(StringComparer.Ordinal);
        foreach (var (name, value) in model.Parameters)
        {
            if (!weights.TryGetInfo(name, out var info, out var file))
                throw new ModelFormatException(weights.Directory, $"missing tensor \"{name}\" (the config expects shape {Format(value.ShapeArray)})");
            if (!info.Shape.SequenceEqual(value.ShapeArray))
                throw new ModelFormatException(file, $"tensor \"{name}\" has shape {info.ShapeText} in the file, but the config expects {Format(value.ShapeArray)}");
            if (!info.DType.IsReadableAsFloat32())
                throw new ModelFormatException(file, $"tensor \"{name}\" has dtype {info.DType.HeaderName()}; only F32, F16 and BF16 are supported");
            weights.ReadInto(name, value.AsSpan());
            types[name] = info.DType;
        }
        foreach (var name in weights.Names)
        {
            if (types.ContainsKey(name) || name.EndsWith(".rotary_emb.inv_freq", StringComparison.Ordinal)) continue;
            if (name == "lm_head.weight" && model.Config.TieWordEmbeddings)
            {
                var head = weights.ReadFloat32(name);
                var embedding = model.EmbedTokens.Weight.AsSpan();
                if (head.Length != embedding.Length || !head.AsSpan().SequenceEqual(embedding))
                    throw new ModelFormatException(weights.FileOf(name), "tensor \"lm_head.weight\" differs from model.embed_tokens.weight, but config.json sets tie_word_embeddings = true");
                continue;
            }
            throw new ModelFormatException(weights.FileOf(name), $"unexpected tensor \"{name}\" that a {model.Config.ModelType} model with this config does not have");
        }
        return types;
    }

    /// <summary>
    /// Writes config.json, generation_config.json and the weights (each tensor in the dtype it was loaded in, F32 for a
    /// fresh model; sharded past <paramref name="maxShardBytes"/>) and, when given, the tokenizer's files into
    /// <paramref name="directory"/>, file by file, each atomically.
    /// </summary>
    public static void WriteFiles(string directory, LlamaModel model, ITokenizer? tokenizer, long maxShardBytes = DefaultMaxShardBytes)
    {
        ArgumentNullException.ThrowIfNull(model);
        Directory.CreateDirectory(directory);
        model.Config.Save(directory, model.SourceConfig);
        var tensors = model.Parameters
            .Select(p => (p.Name, p.Value.ShapeArray, (ReadOnlyMemory<float>)p.Value.ToArray(),
                model.StorageTypes.TryGetValue(p.Name, out var dtype) ? dtype : SafeTensorsDType.F32))
            .ToList();
        SafeTensorsCheckpoint.Write(directory, tensors, maxShardBytes, new Dictionary<string, string> { ["format"] = "pt" });
        tokenizer?.Save(directory);
    }

    private static string Format(int[] shape) => "[" + string.Join(", ", shape) + "]";
}
