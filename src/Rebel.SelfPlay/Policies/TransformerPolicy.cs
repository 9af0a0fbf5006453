using Rebel.Models.Generation;
using Rebel.Models;
using Rebel.Models.Lora;
using Rebel.Models.Prompts;
using Rebel.Models.Scoring;
using Rebel.Models.Tokenization;
using Rebel.Tensors;

namespace Rebel.SelfPlay.Policies;

/// <summary>
/// A causal language model (GPT-2 or Llama family) as a REBEL policy: completions are sampled with the KV-cache generator, and
/// ln π(y | x) is the sum of the completion tokens' log-probabilities (EOS included) with logits divided by T.
/// With LoRA (<see cref="Load(string, LoraOptions?)"/>) the base stays frozen and only the adapters train; snapshots
/// (π_ref, π_mag, …) share that one frozen base (<see cref="ICausalLanguageModel.ShareWeights"/>) and hold only frozen
/// copies of the adapters, and <see cref="Save"/> writes the adapter in PEFT layout.
/// </summary>
public sealed class TransformerPolicy : IPolicy, IGeometricMixtureSampler
{
    private readonly bool _frozen;
    private readonly LoraAdapter? _adapter;
    private readonly string? _baseDirectory;

    /// <summary>A policy over <paramref name="model"/> with its <paramref name="tokenizer"/> (which must define EOS).</summary>
    public TransformerPolicy(ICausalLanguageModel model, ITokenizer tokenizer) : this(model, tokenizer, frozen: false, adapter: null, baseDirectory: null) { }

    private TransformerPolicy(ICausalLanguageModel model, ITokenizer tokenizer, bool frozen, LoraAdapter? adapter, string? baseDirectory)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        Tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        EosId = tokenizer.EosId ?? (model.EosTokenIds.Count > 0 ? model.EosTokenIds[0] : (int?)null)
            ?? throw new ArgumentException("The tokenizer defines no end-of-sequence token; REBEL needs one to end completions.");
        _frozen = frozen;
        _adapter = adapter;
        _baseDirectory = baseDirectory;
        foreach (var (_, p) in model.Parameters) p.RequiresGrad = !frozen && adapter is null;   // LoRA: the base is frozen
    }

    /// <summary>Loads a Hugging Face-layout model directory (config, safetensors, tokenizer files).</summary>
    /// <remarks>An adapter folder (adapter_config.json) loads as its base with the adapter merged in.</remarks>
    public static TransformerPolicy Load(string directory) => Load(directory, lora: null);

    /// <summary>
    /// Loads a model directory as <see cref="Load(string)"/> does; with <paramref name="lora"/>, fresh adapters (B = 0, so
    /// the policy starts equal to the model) are attached and the base is frozen: <see cref="Parameters"/> are the adapters'
    /// A and B only.
    /// </summary>
    /// <exception cref="ArgumentException">Invalid LoRA options, targets that select no module, or LoRA over an adapter folder.</exception>
    public static TransformerPolicy Load(string directory, LoraOptions? lora)
    {
        if (lora is not null && PeftAdapterFolder.IsAdapter(directory))
            throw new ArgumentException($"{directory} is a LoRA adapter folder; to train new adapters on it, merge it first (rebel lora merge) and start from the merged model.");
        var model = ModelFolder.Load(directory);
        var tokenizer = ModelFolder.LoadTokenizer(directory)
            ?? throw new FileNotFoundException($"{directory}: no tokenizer files (vocab.json + merges.txt, or tokenizer.json).");
        if (lora is null) return new TransformerPolicy(model, tokenizer);
        var full = Path.GetFullPath(directory);
        return new TransformerPolicy(model, tokenizer, frozen: false, LoraAdapter.Create(LoraModelFolder.HostOf(model), lora, full), full);
    }

    /// <summary>
    /// Loads a model directory as a frozen policy (for sampling and scoring: tournament players, evaluation) through
    /// <paramref name="bases"/>, so that every adapter folder over the same base, and the base itself, share one copy of
    /// the base weights; an adapter folder's adapter stays unmerged.
    /// </summary>
    /// <exception cref="FileNotFoundException">No tokenizer files in the folder (or, for an adapter folder, in its base).</exception>
    public static TransformerPolicy LoadFrozen(string directory, SharedBaseModels bases)
    {
        ArgumentNullException.ThrowIfNull(bases);
        var (model, adapter) = bases.Load(directory);
        var tokenizer = ModelFolder.LoadTokenizer(directory)
            ?? throw new FileNotFoundException($"{directory}: no tokenizer files (vocab.json + merges.txt, or tokenizer.json).");
        var baseDirectory = adapter is null ? null : PeftAdapterFolder.ResolveBase(directory);
        foreach (var t in adapter?.Parameters ?? []) t.RequiresGrad = false;
        return new TransformerPolicy(model, tokenizer, frozen: true, adapter, baseDirectory);
    }

    /// <summary>The LoRA adapters (trained, or frozen in a snapshot), or null for full fine-tuning.</summary>
    public LoraAdapter? Adapter => _adapter;

    /// <summary>The network.</summary>
    public ICausalLanguageModel Model { get; }

    /// <summary>The tokenizer shared with every snapshot.</summary>
    public ITokenizer Tokenizer { get; }

    /// <summary>The end-of-sequence id.</summary>
    public int EosId { get; }

    /// <summary>
    /// The renderer that turned this run's conversation prompts into text, or null (plain-text prompts only). With it, a
    /// prompt it rendered is encoded with its message content as plain characters (<see cref="IPromptRenderer.Encode"/>),
    /// and its completions are the assistant turn: sampling stops on the renderer's end-of-turn token or one of the
    /// model's EOS ids (generation_config.json), and an offline completion ends with the end-of-turn token. Other prompts
    /// keep plain text's behaviour. Snapshots share it.
    /// </summary>
    public IPromptRenderer? Prompts { get; set; }

    /// <inheritdoc/>
    public IReadOnlyList<Tensor> Parameters => _frozen ? [] : _adapter?.Parameters ?? Model.Parameters.Select(p => p.Value).ToList();

    /// <inheritdoc/>
    public IReadOnlyList<Completion> Sample(IReadOnlyList<string> prompts, int samplesPerPrompt, double temperature, int maxNewTokens, Rng rng) =>
        Generate(prompts, samplesPerPrompt, temperature, maxNewTokens, rng, (generator, inputs, stops, options) => generator.Generate(inputs, options, stopIds: stops))
            .Select(s => s.Completion).ToList();

    /// <inheritdoc/>
    public IReadOnlyList<MixtureSample> SampleMixture(IPolicy other, double otherWeight, IReadOnlyList<string> prompts, int samplesPerPrompt,
        double temperature, int maxNewTokens, Rng rng)
    {
        if (other is not TransformerPolicy partner)
            throw new ArgumentException($"A transformer policy mixes only with another transformer policy, not a {other?.GetType().Name ?? "null"}.", nameof(other));
        return Generate(prompts, samplesPerPrompt, temperature, maxNewTokens, rng,
            (generator, inputs, stops, options) => generator.GenerateMixture(inputs, partner.Model, otherWeight, options, stopIds: stops));
    }

    private List<MixtureSample> Generate(IReadOnlyList<string> prompts, int samplesPerPrompt, double temperature, int maxNewTokens, Rng rng,
        Func<Generator, List<int[]>, List<IReadOnlyList<int>>, GenerationOptions, IReadOnlyList<GeneratedSequence>> generate)
    {
        var encoded = prompts.Select(EncodePrompt).ToList();
        var turnEnds = prompts.Select(EndOfTurnId).ToList();
        var inputs = new List<int[]>(prompts.Count * samplesPerPrompt);
        var stops = new List<IReadOnlyList<int>>(prompts.Count * samplesPerPrompt);
        // Stop on any of the model's eos ids when EosId is one of them (Llama 3 lists several), else on EosId alone;
        // a conversation's reply also (first of all) on the end-of-turn token.
        IReadOnlyList<int> eos = Model.EosTokenIds.Contains(EosId) ? Model.EosTokenIds : [EosId];
        for (int i = 0; i < encoded.Count; i++)
        {
            IReadOnlyList<int> stop = turnEnds[i] is { } eot ? [eot, .. eos.Where(id => id != eot)] : eos;
            for (int k = 0; k < samplesPerPrompt; k++) { inputs.Add(encoded[i]); stops.Add(stop); }
        }
        var options = new GenerationOptions(MaxNewTokens: maxNewTokens, Temperature: (float)temperature, Seed: rng.NextUInt64()).Validate();
        using var _ = Tensor.NoGrad();
        var generated = generate(new Generator(Model), inputs, stops, options);
        var result = new List<MixtureSample>(generated.Count);
        for (int i = 0; i < generated.Count; i++)
        {
            var g = generated[i];
            var textIds = g.EndedWithEos ? g.Ids[..^1] : g.Ids;
            result.Add(new MixtureSample(new Completion(prompts[i / samplesPerPrompt], Tokenizer.Decode(textIds), g.Ids, g.EndedWithEos), g.LogProb));
        }
        return result;
    }

    /// <inheritdoc/>
    public Tensor LogProbs(IReadOnlyList<Completion> completions, double temperature)
    {
        var pairs = completions.Select(c => new PromptCompletion(EncodePrompt(c.Prompt), c.Tokens)).ToList();
        return SequenceLogProbs.Compute(Model, pairs, (float)temperature).Totals;
    }

    /// <inheritdoc/>
    /// <remarks>A conversation prompt's completion ends with the end-of-turn token instead (see <see cref="Prompts"/>).</remarks>
    public Completion Encode(string prompt, string text) =>
        new(prompt, text, [.. Tokenizer.Encode(text, allowSpecialTokens: false), EndOfTurnId(prompt) ?? EosId], EndsWithEos: true);

    /// <summary>The ids of prompt x: a conversation <see cref="Prompts"/> rendered with its content as plain text, other text as it is.</summary>
    public int[] EncodePrompt(string prompt) => Prompts?.Encode(Tokenizer, prompt) ?? Tokenizer.Encode(prompt);

    /// <summary>The id that ends the reply to <paramref name="prompt"/> when it is a conversation whose format has an
    /// end-of-turn token; null for plain text (the reply ends with EOS).</summary>
    /// <exception cref="InvalidOperationException">The end-of-turn token is not a single token of the tokenizer.</exception>
    public int? EndOfTurnId(string prompt) =>
        Prompts is { } renderer && renderer.ConversationOf(prompt) is not null ? PromptRenderer.EndOfTurnId(renderer, Tokenizer) : null;

    /// <inheritdoc/>
    /// <remarks>
    /// Full fine-tuning: a deep copy of the model. With LoRA: a view over the same frozen base tensors (nothing copied)
    /// with a frozen copy of the adapters, so every snapshot adds only the adapters' memory.
    /// </remarks>
    public IPolicy Snapshot()
    {
        if (_adapter is null) return new TransformerPolicy(Model.Copy(), Tokenizer, frozen: true, adapter: null, baseDirectory: null) { Prompts = Prompts };
        var view = Model.ShareWeights();
        var adapter = _adapter.FrozenCopyOnto(LoraModelFolder.HostOf(view));
        return new TransformerPolicy(view, Tokenizer, frozen: true, adapter, _baseDirectory) { Prompts = Prompts };
    }

    /// <inheritdoc/>
    /// <remarks>
    /// With LoRA: the adapter in PEFT layout (adapter_config.json, adapter_model.safetensors) whose
    /// base_model_name_or_path is the base folder's absolute path, so the folder loads as a model wherever the base stays.
    /// </remarks>
    public void Save(string directory)
    {
        if (_adapter is null) ModelFolder.Save(directory, Model, Tokenizer);
        else _adapter.Save(directory, _baseDirectory);
    }

    /// <inheritdoc/>
    /// <remarks>With LoRA, <paramref name="directory"/> is an adapter folder this policy saved: its A and B are read back.</remarks>
    public void LoadParameters(string directory)
    {
        if (_adapter is null) { CopyParameters(ModelFolder.Load(directory), Model); return; }
        var saved = LoraAdapter.Load(directory, LoraModelFolder.HostOf(Model.ShareWeights()));   // reads A and B only
        var source = saved.Parameters.ToDictionary(p => p.Name!, StringComparer.Ordinal);
        foreach (var value in _adapter.Parameters)
        {
            if (!source.TryGetValue(value.Name!, out var s) || s.Size != value.Size)
                throw new InvalidDataException($"{directory}: adapter tensor {value.Name} is missing or has another shape.");
            s.AsSpan().CopyTo(value.AsSpan());
        }
    }

    private static void CopyParameters(ICausalLanguageModel from, ICausalLanguageModel to)
    {
        var source = from.Parameters.ToDictionary(p => p.Name, p => p.Value);
        foreach (var (name, value) in to.Parameters)
        {
            if (!source.TryGetValue(name, out var s) || s.Size != value.Size)
                throw new InvalidDataException($"Parameter {name} is missing or has another shape in the source model.");
            s.AsSpan().CopyTo(value.AsSpan());
        }
    }
}
