using Rebel.Models.Generation;
using Rebel.Models;
using Rebel.Models.Scoring;
using Rebel.Models.Tokenization;
using Rebel.Tensors;

namespace Rebel.SelfPlay.Policies;

/// <summary>
/// A causal language model (GPT-2 or Llama family) as a REBEL policy: completions are sampled with the KV-cache generator, and
/// ln π(y | x) is the sum of the completion tokens' log-probabilities (EOS included) with logits divided by T.
/// </summary>
public sealed class TransformerPolicy : IPolicy, IGeometricMixtureSampler
{
    private readonly bool _frozen;

    /// <summary>A policy over <paramref name="model"/> with its <paramref name="tokenizer"/> (which must define EOS).</summary>
    public TransformerPolicy(ICausalLanguageModel model, ITokenizer tokenizer) : this(model, tokenizer, frozen: false) { }

    private TransformerPolicy(ICausalLanguageModel model, ITokenizer tokenizer, bool frozen)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        Tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        EosId = tokenizer.EosId ?? (model.EosTokenIds.Count > 0 ? model.EosTokenIds[0] : (int?)null)
            ?? throw new ArgumentException("The tokenizer defines no end-of-sequence token; REBEL needs one to end completions.");
        _frozen = frozen;
        foreach (var (_, p) in model.Parameters) p.RequiresGrad = !frozen;
    }

    /// <summary>Loads a Hugging Face-layout model directory (config, safetensors, tokenizer files).</summary>
    public static TransformerPolicy Load(string directory)
    {
        var model = ModelFolder.Load(directory);
        var tokenizer = ModelFolder.LoadTokenizer(directory)
            ?? throw new FileNotFoundException($"{directory}: no tokenizer files (vocab.json + merges.txt, or tokenizer.json).");
        return new TransformerPolicy(model, tokenizer);
    }

    /// <summary>The network.</summary>
    public ICausalLanguageModel Model { get; }

    /// <summary>The tokenizer shared with every snapshot.</summary>
    public ITokenizer Tokenizer { get; }

    /// <summary>The end-of-sequence id.</summary>
    public int EosId { get; }

    /// <inheritdoc/>
    public IReadOnlyList<Tensor> Parameters => _frozen ? [] : Model.Parameters.Select(p => p.Value).ToList();

    /// <inheritdoc/>
    public IReadOnlyList<Completion> Sample(IReadOnlyList<string> prompts, int samplesPerPrompt, double temperature, int maxNewTokens, Rng rng) =>
        Generate(prompts, samplesPerPrompt, temperature, maxNewTokens, rng, (generator, inputs, options) => generator.Generate(inputs, options))
            .Select(s => s.Completion).ToList();

    /// <inheritdoc/>
    public IReadOnlyList<MixtureSample> SampleMixture(IPolicy other, double otherWeight, IReadOnlyList<string> prompts, int samplesPerPrompt,
        double temperature, int maxNewTokens, Rng rng)
    {
        if (other is not TransformerPolicy partner)
            throw new ArgumentException($"A transformer policy mixes only with another transformer policy, not a {other?.GetType().Name ?? "null"}.", nameof(other));
        return Generate(prompts, samplesPerPrompt, temperature, maxNewTokens, rng,
            (generator, inputs, options) => generator.GenerateMixture(inputs, partner.Model, otherWeight, options));
    }

    private List<MixtureSample> Generate(IReadOnlyList<string> prompts, int samplesPerPrompt, double temperature, int maxNewTokens, Rng rng,
        Func<Generator, List<int[]>, GenerationOptions, IReadOnlyList<GeneratedSequence>> generate)
    {
        var encoded = prompts.Select(p => Tokenizer.Encode(p)).ToList();
        var inputs = new List<int[]>(prompts.Count * samplesPerPrompt);
        foreach (var ids in encoded)
            for (int k = 0; k < samplesPerPrompt; k++) inputs.Add(ids);
        // Stop on any of the model's eos ids when EosId is one of them (Llama 3 lists several), else on EosId alone.
        int? stopId = Model.EosTokenIds.Contains(EosId) ? null : EosId;
        var options = new GenerationOptions(MaxNewTokens: maxNewTokens, Temperature: (float)temperature, Seed: rng.NextUInt64(), EosTokenId: stopId).Validate();
        using var _ = Tensor.NoGrad();
        var generated = generate(new Generator(Model), inputs, options);
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
        var pairs = completions.Select(c => new PromptCompletion(Tokenizer.Encode(c.Prompt), c.Tokens)).ToList();
        return SequenceLogProbs.Compute(Model, pairs, (float)temperature).Totals;
    }

    /// <inheritdoc/>
    public Completion Encode(string prompt, string text) =>
        new(prompt, text, [.. Tokenizer.Encode(text, allowSpecialTokens: false), EosId], EndsWithEos: true);

    /// <inheritdoc/>
    public IPolicy Snapshot()
    {
        return new TransformerPolicy(Model.Copy(), Tokenizer, frozen: true);
    }

    /// <inheritdoc/>
    public void Save(string directory) => ModelFolder.Save(directory, Model, Tokenizer);

    /// <inheritdoc/>
    public void LoadParameters(string directory) => CopyParameters(ModelFolder.Load(directory), Model);

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
