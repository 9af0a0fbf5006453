using Rebel.Models.Generation;
using Rebel.Models.Gpt2.Modules;
using Rebel.Models.Tokenization;
using Rebel.Tensors;

namespace Rebel.Models.Gpt2;

/// <summary>
/// A GPT-2 causal language model: token + position embeddings, <c>n_layer</c> pre-norm blocks, a final layer norm
/// and an LM head tied to the token embedding (logits = h·wteᵀ). Parameters carry Hugging Face GPT-2 names.
/// </summary>
/// <remarks>
/// Dimension legend: B batch, T time, C embedding width, V vocabulary. This forward pass records the autograd graph
/// (training, differentiable log-probs); generation has its own cached inference path.
/// </remarks>
public sealed class Gpt2Model : Module, ICausalLanguageModel
{
    private readonly Block[] _blocks;

    /// <summary>
    /// A freshly initialized model: weights ~ N(0, 0.02²), projections into the residual stream ~ N(0, (0.02/√(2·n_layer))²),
    /// biases 0, layer-norm gains 1, drawn from a generator seeded with <paramref name="seed"/>.
    /// </summary>
    public Gpt2Model(Gpt2Config config, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config.Validate();
        var rng = new Rng(seed);
        Wte = Child("wte", new Embedding(config.VocabSize, config.EmbeddingSize, rng, 0.02f));
        Wpe = Child("wpe", new Embedding(config.ContextLength, config.EmbeddingSize, rng, 0.02f));
        _blocks = new Block[config.Layers];
        for (int i = 0; i < config.Layers; i++) _blocks[i] = Child($"h.{i}", new Block(config, rng));
        LnF = Child("ln_f", new LayerNorm(config.EmbeddingSize, config.LayerNormEpsilon));
        Parameters = NamedParameters().ToArray();
        foreach (var (name, value) in Parameters) value.Name = name;
    }

    /// <summary>A second model over <paramref name="source"/>'s parameter tensors (see <see cref="ShareWeights"/>).</summary>
    private Gpt2Model(Gpt2Model source)
    {
        Config = source.Config;
        Wte = Child("wte", new Embedding(source.Wte));
        Wpe = Child("wpe", new Embedding(source.Wpe));
        _blocks = source._blocks.Select((b, i) => Child($"h.{i}", new Block(b))).ToArray();
        LnF = Child("ln_f", new LayerNorm(source.LnF));
        Parameters = NamedParameters().ToArray();
    }

    /// <summary>The configuration the model was built from.</summary>
    public Gpt2Config Config { get; }

    /// <summary>Token embedding (and tied LM head), [V, C].</summary>
    public Embedding Wte { get; }

    /// <summary>Position embedding, [n_positions, C].</summary>
    public Embedding Wpe { get; }

    /// <summary>The transformer blocks, in order.</summary>
    public IReadOnlyList<Block> Blocks => _blocks;

    /// <inheritdoc/>
    public bool CheckpointBlocks { get; set; }

    /// <summary>The final layer norm.</summary>
    public LayerNorm LnF { get; }

    /// <summary>Every parameter with its Hugging Face name (no <c>transformer.</c> prefix), in a fixed order.</summary>
    public IReadOnlyList<(string Name, Tensor Value)> Parameters { get; }

    /// <inheritdoc/>
    public string ModelType => "gpt2";

    /// <inheritdoc/>
    public int VocabSize => Config.VocabSize;

    /// <inheritdoc/>
    public int HiddenSize => Config.EmbeddingSize;

    /// <inheritdoc/>
    public int ContextLength => Config.ContextLength;

    /// <inheritdoc/>
    public int? BosTokenId => Config.BosTokenId;

    /// <inheritdoc/>
    public IReadOnlyList<int> EosTokenIds => Config.EosTokenId is { } eos ? [eos] : [];

    /// <inheritdoc/>
    public ICausalLanguageModel Copy()
    {
        var copy = new Gpt2Model(Config);
        for (int i = 0; i < Parameters.Count; i++) Parameters[i].Value.AsSpan().CopyTo(copy.Parameters[i].Value.AsSpan());
        return copy;
    }

    /// <inheritdoc/>
    public ICausalLanguageModel ShareWeights() => new Gpt2Model(this);

    /// <inheritdoc/>
    public IKvDecoder CreateDecoder(int batch, int capacity, bool packWeights) => new CachedForward(this, batch, capacity, packWeights);

    /// <inheritdoc/>
    public void WriteFiles(string directory, ITokenizer? tokenizer) => Gpt2Checkpoint.WriteFiles(directory, this, tokenizer);

    /// <inheritdoc/>
    public void WriteConfig(string directory)
    {
        Directory.CreateDirectory(directory);
        Config.Save(Path.Combine(directory, Gpt2Checkpoint.ConfigFile));
    }

    /// <summary>Total number of scalar parameters.</summary>
    public long ParameterCount => Parameters.Sum(p => (long)p.Value.Size);

    /// <summary>
    /// Logits for every position: ids [B, T] (row-major) and an optional attention mask [B, T] (1 = token, 0 = padding)
    /// → [B, T, V]. Positions count real tokens only (position = number of earlier unmasked tokens), so left- and
    /// right-padded batches give each sequence the logits it would get alone.
    /// </summary>
    public Tensor Forward(int[] ids, int batch, int time, float[]? attentionMask = null)
    {
        var h = Hidden(ids, batch, time, attentionMask);                  // (B, T, C)
        return Tensor.MatMul(h, Wte.Weight.Transpose(0, 1));             // (B, T, V) = h·wteᵀ (tied head)
    }

    /// <summary>The final hidden states (after <c>ln_f</c>), [B, T, C]; see <see cref="Forward"/>.</summary>
    public Tensor Hidden(int[] ids, int batch, int time, float[]? attentionMask = null)
    {
        CheckInput(ids, batch, time, attentionMask);
        var positions = Positions(batch, time, attentionMask);
        var x = Wte.Forward(ids, batch, time) + Wpe.Forward(positions, batch, time); // (B, T, C)
        var keyMask = attentionMask is null ? null : Tensor.FromArray(attentionMask, batch, time);
        foreach (var block in _blocks)
            x = CheckpointBlocks ? Tensor.Checkpoint(h => block.Forward(h, keyMask), x, block.Tensors().ToList()) : block.Forward(x, keyMask);
        return LnF.Forward(x);
    }

    /// <summary>Position of each token: the count of unmasked tokens before it in its row (0 for padding).</summary>
    internal static int[] Positions(int batch, int time, float[]? attentionMask)
    {
        var positions = new int[batch * time];
        for (int b = 0; b < batch; b++)
        {
            int next = 0;
            for (int t = 0; t < time; t++)
            {
                int i = b * time + t;
                bool real = attentionMask is null || attentionMask[i] != 0f;
                positions[i] = real ? next : 0;
                if (real) next++;
            }
        }
        return positions;
    }

    private void CheckInput(int[] ids, int batch, int time, float[]? attentionMask)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (batch <= 0 || time <= 0 || ids.Length != batch * time)
            throw new ArgumentException($"Gpt2Model: {ids.Length} ids do not form a [{batch}, {time}] batch.", nameof(ids));
        if (time > Config.ContextLength)
            throw new ArgumentException($"Gpt2Model: sequence length {time} exceeds the context length n_positions = {Config.ContextLength}.", nameof(time));
        if (attentionMask is not null && attentionMask.Length != ids.Length)
            throw new ArgumentException($"Gpt2Model: attention mask of length {attentionMask.Length} for a [{batch}, {time}] batch.", nameof(attentionMask));
        for (int i = 0; i < ids.Length; i++)
            if ((uint)ids[i] >= (uint)Config.VocabSize)
                throw new ArgumentOutOfRangeException(nameof(ids), $"Gpt2Model: token id {ids[i]} at index {i} is outside the vocabulary [0, {Config.VocabSize}).");
    }
}
