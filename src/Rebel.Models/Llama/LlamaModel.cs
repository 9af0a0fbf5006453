using System.Text.Json.Nodes;
using Rebel.Models.Generation;
using Rebel.Models.Gpt2;
using Rebel.Models.Gpt2.Modules;
using Rebel.Models.Llama.Modules;
using Rebel.Models.Tokenization;
using Rebel.Tensors;
using Rebel.Tensors.IO;

namespace Rebel.Models.Llama;

/// <summary>
/// A Llama-family causal language model (llama, mistral, qwen2, qwen3): token embedding, <c>num_hidden_layers</c>
/// pre-norm decoder layers (RMSNorm, grouped-query attention with rotary embeddings, SwiGLU MLP), a final RMSNorm and
/// an output head, tied to the embedding or not. Parameters carry Hugging Face names (<c>model.layers.0.self_attn.q_proj.weight</c>).
/// </summary>
/// <remarks>
/// Dimension legend: B batch, T time, C hidden width, V vocabulary. This forward pass records the autograd graph;
/// <see cref="CreateDecoder"/> gives the cached inference path.
/// </remarks>
public sealed class LlamaModel : Module, ICausalLanguageModel
{
    private readonly LlamaBlock[] _layers;
    private readonly Lock _rotaryLock = new();
    private RotaryTable? _rotary;

    /// <summary>A freshly initialized model: weights ~ N(0, 0.02²) (Hugging Face's initializer_range), norms 1, biases 0.</summary>
    public LlamaModel(LlamaConfig config, ulong seed = 0) : this(config, new Rng(seed)) { }

    /// <summary>
    /// A model of <paramref name="config"/> whose weights are drawn from <paramref name="rng"/>, or left 0 when it is null
    /// (the checkpoint loader fills them: drawing 135 M normals only to overwrite them took as long as the whole load).
    /// </summary>
    internal LlamaModel(LlamaConfig config, Rng? rng)
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config.Validate();
        const float std = 0.02f;
        EmbedTokens = Child("model.embed_tokens", new Embedding(config.VocabSize, config.HiddenSize, rng, std));
        _layers = new LlamaBlock[config.Layers];
        for (int i = 0; i < config.Layers; i++) _layers[i] = Child($"model.layers.{i}", new LlamaBlock(config, rng, std));
        Norm = Child("model.norm", new RmsNorm(config.HiddenSize, config.RmsNormEps));
        LmHead = config.TieWordEmbeddings ? null : Child("lm_head", new Linear(config.HiddenSize, config.VocabSize, bias: false, rng, std));
        Parameters = NamedParameters().ToArray();
        foreach (var (name, value) in Parameters) value.Name = name;
    }

    /// <summary>A second model over <paramref name="source"/>'s parameter tensors (see <see cref="ShareWeights"/>).</summary>
    private LlamaModel(LlamaModel source)
    {
        Config = source.Config;
        StorageTypes = source.StorageTypes;
        SourceConfig = source.SourceConfig;
        EmbedTokens = Child("model.embed_tokens", new Embedding(source.EmbedTokens));
        _layers = source._layers.Select((b, i) => Child($"model.layers.{i}", new LlamaBlock(b))).ToArray();
        Norm = Child("model.norm", new RmsNorm(source.Norm));
        LmHead = source.LmHead is null ? null : Child("lm_head", new Linear(source.LmHead));
        Parameters = NamedParameters().ToArray();
    }

    /// <summary>The configuration the model was built from.</summary>
    public LlamaConfig Config { get; }

    /// <summary>Token embedding [V, C] (and the output head when tied).</summary>
    public Embedding EmbedTokens { get; }

    /// <summary>The decoder layers, in order.</summary>
    public IReadOnlyList<LlamaBlock> Layers => _layers;

    /// <inheritdoc/>
    public bool CheckpointBlocks { get; set; }

    /// <summary>The final RMSNorm.</summary>
    public RmsNorm Norm { get; }

    /// <summary>The untied output head [V, C], or null when tied to <see cref="EmbedTokens"/>.</summary>
    public Linear? LmHead { get; }

    /// <summary>The output head's weight [V, C]: <see cref="LmHead"/>'s, or the embedding when tied.</summary>
    public Tensor HeadWeight => LmHead?.Weight ?? EmbedTokens.Weight;

    /// <inheritdoc/>
    public IReadOnlyList<(string Name, Tensor Value)> Parameters { get; }

    /// <summary>
    /// The dtype each tensor had in the checkpoint it was loaded from (saving writes it back the same); empty for a fresh
    /// model, whose tensors are saved as F32.
    /// </summary>
    public IReadOnlyDictionary<string, SafeTensorsDType> StorageTypes { get; internal set; } = new Dictionary<string, SafeTensorsDType>();

    /// <summary>The config.json object it was loaded from (saving keeps its other keys), or null.</summary>
    internal JsonObject? SourceConfig { get; set; }

    /// <inheritdoc/>
    public string ModelType => Config.ModelType;

    /// <inheritdoc/>
    public int VocabSize => Config.VocabSize;

    /// <inheritdoc/>
    public int HiddenSize => Config.HiddenSize;

    /// <inheritdoc/>
    public int ContextLength => Config.ContextLength;

    /// <inheritdoc/>
    public int? BosTokenId => Config.BosTokenId;

    /// <inheritdoc/>
    public IReadOnlyList<int> EosTokenIds => Config.EosIds;

    /// <summary>Total number of scalar parameters.</summary>
    public long ParameterCount => Parameters.Sum(p => (long)p.Value.Size);

    /// <inheritdoc/>
    public Tensor Forward(int[] ids, int batch, int time, float[]? attentionMask = null)
    {
        var h = Hidden(ids, batch, time, attentionMask);                         // (B, T, C)
        return Tensor.MatMul(h, HeadWeight.Transpose(0, 1));                      // (B, T, V) = h·Wᵀ
    }

    /// <summary>The final hidden states (after <c>model.norm</c>), [B, T, C]; see <see cref="Forward"/>.</summary>
    public Tensor Hidden(int[] ids, int batch, int time, float[]? attentionMask = null)
    {
        CheckInput(ids, batch, time, attentionMask);
        var positions = Gpt2Model.Positions(batch, time, attentionMask);
        var rotary = Rotary(time);
        var x = EmbedTokens.Forward(ids, batch, time);                           // (B, T, C)
        var keyMask = attentionMask is null ? null : Tensor.FromArray(attentionMask, batch, time);
        foreach (var layer in _layers)
            x = CheckpointBlocks
                ? Tensor.Checkpoint(h => layer.Forward(h, positions, rotary, keyMask), x, layer.Tensors().ToList())
                : layer.Forward(x, positions, rotary, keyMask);
        return Norm.Forward(x);
    }

    /// <summary>cos/sin tables covering at least <paramref name="positions"/> positions (grown by doubling, up to the context).</summary>
    internal RotaryTable Rotary(int positions)
    {
        lock (_rotaryLock)
        {
            if (_rotary is null || _rotary.Positions < positions)
            {
                int size = Math.Min(Config.ContextLength, Math.Max(positions, Math.Max(64, 2 * (_rotary?.Positions ?? 0))));
                _rotary = new RotaryTable(Config.InverseFrequencies(), size);
            }
            return _rotary;
        }
    }

    /// <inheritdoc/>
    public ICausalLanguageModel Copy()
    {
        var copy = new LlamaModel(Config) { StorageTypes = StorageTypes, SourceConfig = SourceConfig };
        for (int i = 0; i < Parameters.Count; i++) Parameters[i].Value.AsSpan().CopyTo(copy.Parameters[i].Value.AsSpan());
        return copy;
    }

    /// <inheritdoc/>
    public ICausalLanguageModel ShareWeights() => new LlamaModel(this);

    /// <inheritdoc/>
    public IKvDecoder CreateDecoder(int batch, int capacity, bool packWeights) => new LlamaDecoder(this, batch, capacity, packWeights);

    /// <inheritdoc/>
    public void WriteFiles(string directory, ITokenizer? tokenizer) => LlamaCheckpoint.WriteFiles(directory, this, tokenizer);

    /// <inheritdoc/>
    public void WriteConfig(string directory)
    {
        Directory.CreateDirectory(directory);
        Config.Save(directory, SourceConfig);
    }

    private void CheckInput(int[] ids, int batch, int time, float[]? attentionMask)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (batch <= 0 || time <= 0 || ids.Length != batch * time)
            throw new ArgumentException($"LlamaModel: {ids.Length} ids do not form a [{batch}, {time}] batch.", nameof(ids));
        if (Config.SlidingWindow is { } window && time > window)
            throw new ArgumentException($"LlamaModel: sequence length {time} exceeds the sliding_window of {window}; sliding-window attention is not implemented, so longer sequences are refused.", nameof(time));
        if (time > Config.MaxPositions)
            throw new ArgumentException($"LlamaModel: sequence length {time} exceeds max_position_embeddings = {Config.MaxPositions}.", nameof(time));
        if (attentionMask is not null && attentionMask.Length != ids.Length)
            throw new ArgumentException($"LlamaModel: attention mask of length {attentionMask.Length} for a [{batch}, {time}] batch.", nameof(attentionMask));
        for (int i = 0; i < ids.Length; i++)
            if ((uint)ids[i] >= (uint)Config.VocabSize)
                throw new ArgumentOutOfRangeException(nameof(ids), $"LlamaModel: token id {ids[i]} at index {i} is outside the vocabulary [0, {Config.VocabSize}).");
    }
}
