using Rebel.Models.Gpt2;
using Rebel.Tensors;
using Rebel.Tensors.IO;

namespace Rebel.Models.Lora;

/// <summary>
/// A set of LoRA adapters attached to a model's linear maps (<see cref="ILoraHost"/>): the base stays frozen and only
/// the adapters' A and B train. Saved and loaded in PEFT's layout, with PEFT's tensor names
/// <c>base_model.model.{module path}.lora_A.weight</c> [r, in] and <c>….lora_B.weight</c> [out, r], so other tools read
/// our adapters and we read theirs; or merged into the base, W′ = W + s·B·A.
/// </summary>
public sealed class LoraAdapter
{
    private const string Prefix = "base_model.model.";
    private readonly ILoraHost _host;
    private readonly List<(NamedLinear Site, LoraLayer Layer)> _layers;

    private LoraAdapter(ILoraHost host, PeftAdapterConfig config, List<(NamedLinear, LoraLayer)> layers)
    {
        _host = host;
        Config = config;
        _layers = layers;
        foreach (var p in host.BaseParameters) { p.RequiresGrad = false; p.ZeroGrad(); }   // the base is frozen
        foreach (var (site, layer) in layers)
        {
            site.Linear.Adapter = layer;
            layer.A.Name = TensorName(site.Path, "A");
            layer.B.Name = TensorName(site.Path, "B");
        }
    }

    /// <summary>The adapter's settings as written to adapter_config.json.</summary>
    public PeftAdapterConfig Config { get; }

    /// <summary>The LoRA settings.</summary>
    public LoraOptions Options => Config.Options;

    /// <summary>Each adapted module path with its adapter, in the host's order.</summary>
    public IReadOnlyList<(string Path, LoraLayer Layer)> Layers => _layers.Select(l => (l.Site.Path, l.Layer)).ToList();

    /// <summary>The trainable tensors (A and B of every adapter, named as in the PEFT file): what the optimizer updates.</summary>
    public IReadOnlyList<Tensor> Parameters => _layers.SelectMany(l => new[] { l.Layer.A, l.Layer.B }).ToList();

    /// <summary>
    /// Attaches fresh adapters (A ~ U(−1/√in, 1/√in), B = 0, drawn from <see cref="LoraOptions.Seed"/>) to every linear
    /// map of <paramref name="host"/> that <see cref="LoraOptions.TargetModules"/> selects, and freezes the base.
    /// </summary>
    /// <exception cref="ArgumentException">Invalid options, or targets that select no module of the host.</exception>
    public static LoraAdapter Create(ILoraHost host, LoraOptions options, string? baseModelNameOrPath = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var config = new PeftAdapterConfig { Options = options, BaseModelNameOrPath = baseModelNameOrPath, FanInFanOut = host.FanInFanOut };
        var sites = Select(host, config.Targets, "LoRA options");
        var rng = new Rng(options.Seed);
        var layers = sites.Select(s => (s, new LoraLayer(s.Linear.InputSize, s.Linear.OutputSize, options.Rank, options.Scaling, options.Dropout,
            rng, new Rng(rng.NextUInt64())))).ToList();
        return new LoraAdapter(host, config, layers);
    }

    /// <summary>
    /// Loads the PEFT adapter in <paramref name="directory"/> onto <paramref name="host"/> (its base model), checking that
    /// every selected module has both tensors with the host's shapes and that the file holds nothing else.
    /// </summary>
    /// <exception cref="FileNotFoundException">adapter_config.json or adapter_model.safetensors is missing.</exception>
    /// <exception cref="ModelFormatException">A bad config, or an adapter that does not fit this base model (names the
    /// file, the tensor and both shapes, or the module that is missing).</exception>
    public static LoraAdapter Load(string directory, ILoraHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var configPath = Path.Combine(directory, PeftAdapterConfig.FileName);
        var config = PeftAdapterConfig.Read(configPath);
        if (config.FanInFanOut != host.FanInFanOut)
            throw new ModelFormatException(configPath, $"fan_in_fan_out = {config.FanInFanOut.ToString().ToLowerInvariant()}, but the base model stores its weights {(host.FanInFanOut ? "[in, out]" : "[out, in]")}; the adapter was made for another model family");
        var weightsPath = Path.Combine(directory, PeftAdapterFolder.WeightsFile);
        if (!File.Exists(weightsPath))
            throw new FileNotFoundException($"{weightsPath}: file not found (only the safetensors adapter format is read)", weightsPath);
        List<NamedLinear> sites;
        try { sites = Select(host, config.Targets, "adapter_config.json"); }
        catch (ArgumentException e) { throw new ModelFormatException(configPath, e.Message, e); }

        using var file = SafeTensorsFile.Open(weightsPath);
        var used = new HashSet<string>(StringComparer.Ordinal);
        var rng = new Rng(config.Options.Seed);
        var layers = new List<(NamedLinear, LoraLayer)>(sites.Count);
        foreach (var site in sites)
        {
            var a = Read(file, TensorName(site.Path, "A"), [config.Options.Rank, site.Linear.InputSize], site.Path, "in", used);
            var b = Read(file, TensorName(site.Path, "B"), [site.Linear.OutputSize, config.Options.Rank], site.Path, "out", used);
            layers.Add((site, new LoraLayer(a, b, config.Options.Scaling, config.Options.Dropout, new Rng(rng.NextUInt64()))));
        }
        var known = host.Linears.Select(l => l.Path).ToHashSet(StringComparer.Ordinal);
        foreach (var name in file.Names)
        {
            if (used.Contains(name)) continue;
            string? module = ModuleOf(name);
            string problem = module is null ? $"unexpected tensor \"{name}\" (not a lora_A/lora_B weight)"
                : known.Contains(module) ? $"tensor \"{name}\" adapts module \"{module}\", which target_modules {config.Targets} does not select"
                : $"tensor \"{name}\" adapts module \"{module}\", which the base model does not have; the adapter was made for another base model";
            throw new ModelFormatException(weightsPath, problem);
        }
        return new LoraAdapter(host, config, layers);
    }

    /// <summary>
    /// Writes adapter_config.json and adapter_model.safetensors (F32) into <paramref name="directory"/>, each file
    /// atomically. <paramref name="baseModelNameOrPath"/> overrides the base recorded at creation.
    /// </summary>
    public void Save(string directory, string? baseModelNameOrPath = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory.CreateDirectory(directory);
        SafeTensorsWriter.Write(Path.Combine(directory, PeftAdapterFolder.WeightsFile), Parameters, new Dictionary<string, string> { ["format"] = "pt" });
        (baseModelNameOrPath is null ? Config : Config with { BaseModelNameOrPath = baseModelNameOrPath })
            .Write(Path.Combine(directory, PeftAdapterConfig.FileName));
    }

    /// <summary>
    /// Folds every adapter into its base weight, W′ = W + s·B·A (transposed for [in, out] weights), and detaches it; the
    /// host then computes what it computed with the adapters (dropout aside), at the cost of a plain model. The host's
    /// own checkpoint writer then saves the merged model.
    /// </summary>
    public void Merge()
    {
        foreach (var (site, layer) in _layers)
        {
            if (!ReferenceEquals(site.Linear.Adapter, layer))
                throw new InvalidOperationException($"The adapter of {site.Path} was detached or replaced; it can no longer be merged.");
            AddDelta(site.Linear, layer);
            site.Linear.Adapter = null;
        }
    }

    /// <summary>
    /// Adds every adapter's s·B·A to the same-named linear map of <paramref name="other"/>, a host over a copy of this
    /// adapter's base model (same module paths and shapes), leaving this adapter attached and unchanged: a frozen snapshot
    /// of base + adapter as a plain model.
    /// </summary>
    /// <exception cref="ArgumentException">A module of this adapter is missing from <paramref name="other"/> or has another shape.</exception>
    public void MergeInto(ILoraHost other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var sites = other.Linears.ToDictionary(l => l.Path, StringComparer.Ordinal);
        foreach (var (site, layer) in _layers)
        {
            var target = Matching(sites, site, layer);
            AddDelta(target.Linear, layer);
        }
    }

    /// <summary>
    /// Attaches a frozen copy of every adapter (A and B copied, no gradients) to the same-named linear map of
    /// <paramref name="other"/>, a host whose model shares this adapter's base weights
    /// (<see cref="ICausalLanguageModel.ShareWeights"/>) or holds a copy of them: a snapshot of base + adapter that
    /// costs only the adapters' memory when the base is shared. This adapter stays attached and unchanged.
    /// </summary>
    /// <returns>The copy, attached to <paramref name="other"/>.</returns>
    /// <exception cref="ArgumentException">A module of this adapter is missing from <paramref name="other"/> or has another shape.</exception>
    public LoraAdapter FrozenCopyOnto(ILoraHost other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var sites = other.Linears.ToDictionary(l => l.Path, StringComparer.Ordinal);
        var rng = new Rng(Options.Seed);
        var layers = new List<(NamedLinear, LoraLayer)>(_layers.Count);
        foreach (var (site, layer) in _layers)
        {
            var target = Matching(sites, site, layer);
            var copy = new LoraLayer(layer.A.Detach(), layer.B.Detach(), layer.Scaling, layer.DropoutProbability, new Rng(rng.NextUInt64()));
            copy.A.RequiresGrad = copy.B.RequiresGrad = false;                             // a frozen snapshot
            layers.Add((target, copy));
        }
        return new LoraAdapter(other, Config, layers);
    }

    /// <summary>The linear map of another host with <paramref name="site"/>'s path and shape.</summary>
    private static NamedLinear Matching(Dictionary<string, NamedLinear> sites, NamedLinear site, LoraLayer layer) =>
        sites.TryGetValue(site.Path, out var target) && target.Linear.InputSize == layer.InputSize && target.Linear.OutputSize == layer.OutputSize
            && target.Linear.WeightIsTransposed == site.Linear.WeightIsTransposed
            ? target
            : throw new ArgumentException($"Module {site.Path} is missing from the other model or has another shape.", "other");

    private static void AddDelta(IAdaptableLinear linear, LoraLayer layer)
    {
        var delta = layer.DeltaWeight();                                               // s·B·A (O, I)
        var w = linear.Weight.AsSpan();
        int o = layer.OutputSize, i = layer.InputSize;
        if (linear.WeightIsTransposed)
            for (int r = 0; r < o; r++)
                for (int c = 0; c < i; c++) w[c * o + r] += delta[r * i + c];          // W[in, out] += (s·B·A)ᵀ
        else
            for (int k = 0; k < delta.Length; k++) w[k] += delta[k];                   // W[out, in] += s·B·A
    }

    /// <summary>Removes the adapters from the host (the base is left as it was, still frozen).</summary>
    public void Detach()
    {
        foreach (var (site, layer) in _layers)
            if (ReferenceEquals(site.Linear.Adapter, layer)) site.Linear.Adapter = null;
    }

    /// <summary>PEFT's tensor name for a module's A or B.</summary>
    public static string TensorName(string modulePath, string matrix) => $"{Prefix}{modulePath}.lora_{matrix}.weight";

    private static string? ModuleOf(string tensorName)
    {
        foreach (var suffix in (string[])[".lora_A.weight", ".lora_B.weight"])
            if (tensorName.StartsWith(Prefix, StringComparison.Ordinal) && tensorName.EndsWith(suffix, StringComparison.Ordinal))
                return tensorName[Prefix.Length..^suffix.Length];
        return null;
    }

    private static List<NamedLinear> Select(ILoraHost host, TargetModules targets, string source)
    {
        var sites = host.Linears.Where(l => targets.Matches(l.Path)).ToList();
        if (sites.Count == 0)
        {
            var kinds = host.Linears.Select(l => l.Path[(l.Path.LastIndexOf('.') + 1)..]).Distinct();
            throw new ArgumentException($"{source}: target_modules {targets} select no module of the base model (its linear modules: {string.Join(", ", kinds)}).");
        }
        return sites;
    }

    private static Tensor Read(SafeTensorsFile file, string name, int[] expected, string module, string side, HashSet<string> used)
    {
        if (!file.TryGetInfo(name, out var info))
            throw new ModelFormatException(file.Path, $"missing tensor \"{name}\" for module \"{module}\" (expected shape [{string.Join(", ", expected)}])");
        if (!info.Shape.SequenceEqual(expected))
            throw new ModelFormatException(file.Path, $"tensor \"{name}\" has shape {info.ShapeText}, but module \"{module}\" of the base model with r = {expected[side == "in" ? 0 : 1]} needs [{string.Join(", ", expected)}]");
        if (!info.DType.IsReadableAsFloat32())
            throw new ModelFormatException(file.Path, $"tensor \"{name}\" has dtype {info.DType.HeaderName()}; only F32, F16 and BF16 are supported");
        used.Add(name);
        return Tensor.FromArray(file.ReadFloat32(name), expected);
    }
}
