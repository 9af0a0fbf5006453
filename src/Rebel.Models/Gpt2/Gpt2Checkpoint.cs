using Rebel.Models.Tokenization;
using Rebel.Tensors;
using Rebel.Tensors.IO;

namespace Rebel.Models.Gpt2;

/// <summary>
/// Reads and writes GPT-2 models in the Hugging Face directory layout: <c>config.json</c> and
/// <c>model.safetensors</c> (tokenizer files are the tokenizer's business).
/// </summary>
/// <remarks>
/// Loading accepts tensor names with or without the <c>transformer.</c> prefix, F32/F16/BF16 data (converted to
/// float32), the legacy <c>attn.bias</c>/<c>attn.masked_bias</c> buffers (ignored) and an <c>lm_head.weight</c> equal
/// to <c>wte.weight</c> (the tied head; an untied one is refused). Anything else that does not fit the config is an
/// error naming the tensor and both shapes. Saving writes <c>transformer.</c>-prefixed F32 tensors, as Hugging Face's
/// own GPT2LMHeadModel does, into a temporary directory that is then renamed into place.
/// </remarks>
public static class Gpt2Checkpoint
{
    /// <summary>File name of the configuration.</summary>
    public const string ConfigFile = "config.json";

    /// <summary>File name of the weights.</summary>
    public const string WeightsFile = "model.safetensors";

    private const string Prefix = "transformer.";

    /// <summary>Loads the model in <paramref name="directory"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">No such directory.</exception>
    /// <exception cref="FileNotFoundException">config.json or model.safetensors is missing.</exception>
    /// <exception cref="ModelFormatException">A bad config, or tensors that do not match it.</exception>
    public static Gpt2Model Load(string directory)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"{directory}: model directory not found");
        var config = Gpt2Config.Load(Path.Combine(directory, ConfigFile));
        var weightsPath = Path.Combine(directory, WeightsFile);
        if (!File.Exists(weightsPath)) throw new FileNotFoundException($"{weightsPath}: file not found", weightsPath);
        var model = new Gpt2Model(config);
        using var file = SafeTensorsFile.Open(weightsPath);
        LoadInto(model, file);
        return model;
    }

    /// <summary>
    /// The tokenizer in <paramref name="directory"/> (<c>tokenizer.json</c>, or <c>vocab.json</c> + <c>merges.txt</c>),
    /// or null when the directory has no tokenizer files (an ids-only model).
    /// </summary>
    public static ITokenizer? LoadTokenizer(string directory)
    {
        bool present = File.Exists(Path.Combine(directory, TokenizerFiles.TokenizerJson))
            || (File.Exists(Path.Combine(directory, TokenizerFiles.VocabJson)) && File.Exists(Path.Combine(directory, TokenizerFiles.MergesTxt)));
        return present ? TokenizerFiles.Load(directory) : null;
    }

    /// <summary>Writes <paramref name="model"/> and, when given, <paramref name="tokenizer"/>'s files, atomically (see the other overload).</summary>
    public static void Save(string directory, Gpt2Model model, ITokenizer? tokenizer) =>
        Save(directory, model, tokenizer is null ? null : tokenizer.Save);

    /// <summary>Copies the tensors of <paramref name="file"/> into <paramref name="model"/>'s parameters, checking names and shapes.</summary>
    internal static void LoadInto(Gpt2Model model, SafeTensorsFile file)
    {
        bool prefixed = file.Contains(Prefix + "wte.weight");
        string prefix = prefixed ? Prefix : "";
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, value) in model.Parameters)
        {
            string stored = prefix + name;
            if (!file.TryGetInfo(stored, out var info))
                throw new ModelFormatException(file.Path, $"missing tensor \"{stored}\" (the config expects shape {Format(value.Shape)})");
            if (!info.Shape.SequenceEqual(value.ShapeArray))
                throw new ModelFormatException(file.Path, $"tensor \"{stored}\" has shape {info.ShapeText} in the file, but the config expects {Format(value.Shape)}");
            if (!info.DType.IsReadableAsFloat32())
                throw new ModelFormatException(file.Path, $"tensor \"{stored}\" has dtype {info.DType.HeaderName()}; only F32, F16 and BF16 are supported");
            file.ReadInto(stored, value.AsSpan());
            used.Add(stored);
        }
        foreach (var name in file.Names)
        {
            if (used.Contains(name)) continue;
            string local = prefixed && name.StartsWith(Prefix, StringComparison.Ordinal) ? name[Prefix.Length..] : name;
            if (IsLegacyBuffer(local)) continue;
            if (local == "lm_head.weight")
            {
                CheckTiedHead(file, name, model.Wte.Weight);
                continue;
            }
            throw new ModelFormatException(file.Path, $"unexpected tensor \"{name}\" (shape {file.GetInfo(name).ShapeText}) that a GPT-2 with this config does not have");
        }
    }

    /// <summary>
    /// Writes config.json and model.safetensors for <paramref name="model"/>, plus whatever
    /// <paramref name="writeExtraFiles"/> puts into the directory (the tokenizer's files), atomically: everything is
    /// written to a temporary sibling directory first, which then replaces <paramref name="directory"/>.
    /// </summary>
    public static void Save(string directory, Gpt2Model model, Action<string>? writeExtraFiles = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        SaveAtomically(directory, tmp =>
        {
            WriteFiles(tmp, model);
            writeExtraFiles?.Invoke(tmp);
        });
    }

    /// <summary>Runs <paramref name="write"/> on a temporary sibling directory that then replaces <paramref name="directory"/>.</summary>
    internal static void SaveAtomically(string directory, Action<string> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var full = Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar);
        var parent = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(parent);
        var tmp = Path.Combine(parent, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(tmp);
        try
        {
            write(tmp);
            ReplaceDirectory(tmp, full);
        }
        catch
        {
            if (Directory.Exists(tmp)) Directory.Delete(tmp, recursive: true);
            throw;
        }
    }

    /// <summary>
    /// Writes config.json, model.safetensors and (when given) the tokenizer's files into <paramref name="directory"/>
    /// (created if missing) file by file, each atomically, leaving other files there in place — for a run directory
    /// that also holds metrics and checkpoints.
    /// </summary>
    public static void WriteFiles(string directory, Gpt2Model model, ITokenizer? tokenizer)
    {
        ArgumentNullException.ThrowIfNull(model);
        Directory.CreateDirectory(directory);
        WriteFiles(directory, model);
        tokenizer?.Save(directory);
    }

    private static void WriteFiles(string directory, Gpt2Model model)
    {
        model.Config.Save(Path.Combine(directory, ConfigFile));
        SafeTensorsWriter.Write(Path.Combine(directory, WeightsFile),
            model.Parameters.Select(p => (Prefix + p.Name, p.Value.ShapeArray, (ReadOnlyMemory<float>)p.Value.ToArray())),
            new Dictionary<string, string> { ["format"] = "pt" });
    }

    /// <summary>Moves <paramref name="source"/> to <paramref name="target"/>, replacing an existing directory there.</summary>
    private static void ReplaceDirectory(string source, string target)
    {
        if (!Directory.Exists(target))
        {
            Directory.Move(source, target);
            return;
        }
        var old = target + $".{Guid.NewGuid():N}.old";
        Directory.Move(target, old);
        Directory.Move(source, target);
        Directory.Delete(old, recursive: true);
    }

    private static bool IsLegacyBuffer(string name) =>
        name.StartsWith("h.", StringComparison.Ordinal)
        && (name.EndsWith(".attn.bias", StringComparison.Ordinal) || name.EndsWith(".attn.masked_bias", StringComparison.Ordinal));

    private static void CheckTiedHead(SafeTensorsFile file, string name, Tensor wte)
    {
        var info = file.GetInfo(name);
        if (!info.Shape.SequenceEqual(wte.ShapeArray))
            throw new ModelFormatException(file.Path, $"tensor \"{name}\" has shape {info.ShapeText}, but the tied LM head must equal wte.weight {Format(wte.Shape)}");
        var head = file.ReadFloat32(name);
        var embedding = wte.AsSpan();
        for (int i = 0; i < head.Length; i++)
            if (head[i] != embedding[i])
                throw new ModelFormatException(file.Path, $"tensor \"{name}\" differs from wte.weight (at element {i}); untied LM heads are not supported");
    }

    private static string Format(ReadOnlySpan<int> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";
}
