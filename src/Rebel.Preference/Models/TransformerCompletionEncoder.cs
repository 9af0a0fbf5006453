using System.Text.Json.Nodes;
using Rebel.Models;
using Rebel.Models.Generation;
using Rebel.Models.Tokenization;
using Rebel.Tensors;

namespace Rebel.Preference.Models;

/// <summary>
/// A causal language model (GPT-2 or Llama family, any <see cref="ICausalLanguageModel"/>) as the encoder of a
/// preference model: h(x, y) = pool(final hidden states of tokens(x) ++ tokens(y) ++ [EOS]) ∈ R^C, C the model's hidden
/// size. Every backbone weight is trainable.
/// </summary>
/// <remarks>
/// <para>Pooling (<see cref="TokenPooling"/>): by default the hidden state after the last norm (GPT-2's <c>ln_f</c>,
/// Llama's <c>model.norm</c>) at the <b>last token</b> (the appended EOS when the tokenizer has one), which under causal
/// attention is the one position that has seen the whole prompt and completion; or the mean over all tokens. Sequences
/// longer than <see cref="TransformerCompletionEncoderOptions.MaxTokens"/> keep their last tokens. Texts are encoded
/// with special-token matching off, so a completion that contains the text of a special token is read as ordinary text.</para>
/// <para>With gradients on, a batch is right-padded to its longest sequence with an attention mask (through
/// <see cref="ICausalLanguageModel.Hidden"/>), so each item's vector is the one it gets alone; with gradients off
/// (judging, evaluation) it runs the model's cached inference pass (<see cref="HiddenStates"/>), each sequence at its own
/// length. Parameters: the backbone's, named <c>encoder.</c> + their Hugging Face name (e.g.
/// <c>encoder.h.0.attn.c_attn.weight</c>, <c>encoder.model.layers.0.self_attn.q_proj.weight</c>). A saved model keeps the
/// backbone's config files and tokenizer files in <c>DIR/backbone/</c> and its weights in <c>DIR/model.safetensors</c>
/// with the head's.</para>
/// </remarks>
public sealed class TransformerCompletionEncoder : ICompletionEncoder
{
    /// <summary>The <c>type</c> written in the model config.</summary>
    public const string TypeName = "transformer";

    /// <summary>The <c>type</c> that GPT-2-only versions of this encoder wrote; read as <see cref="TypeName"/>.</summary>
    public const string LegacyTypeName = "gpt2";

    /// <summary>The subdirectory of a saved preference model that holds the backbone's config and tokenizer.</summary>
    public const string BackboneDirectory = "backbone";

    private readonly ICausalLanguageModel _backbone;
    private readonly ITokenizer _tokenizer;
    private readonly Tensor[] _parameters;

    /// <summary>An encoder over <paramref name="backbone"/> (which it now owns: its parameters are renamed) and its tokenizer.</summary>
    /// <exception cref="ArgumentException">The tokenizer's vocabulary does not fit the backbone's.</exception>
    public TransformerCompletionEncoder(ICausalLanguageModel backbone, ITokenizer tokenizer, TransformerCompletionEncoderOptions? options = null)
    {
        _backbone = backbone ?? throw new ArgumentNullException(nameof(backbone));
        _tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        Options = (options ?? new TransformerCompletionEncoderOptions()).Validate();
        if (tokenizer.VocabSize > backbone.VocabSize)
            throw new ArgumentException($"the tokenizer has {tokenizer.VocabSize} ids but the {backbone.ModelType} backbone only {backbone.VocabSize} embeddings", nameof(tokenizer));
        _parameters = backbone.Parameters.Select(p =>
        {
            p.Value.Name = "encoder." + p.Name;
            p.Value.RequiresGrad = true;
            return p.Value;
        }).ToArray();
    }

    /// <summary>Pooling, length limit and EOS handling.</summary>
    public TransformerCompletionEncoderOptions Options { get; }

    /// <summary>The language model whose hidden states are pooled.</summary>
    public ICausalLanguageModel Backbone => _backbone;

    /// <summary>Most tokens fed per item: <see cref="TransformerCompletionEncoderOptions.MaxTokens"/>, or the context length when 0 or larger.</summary>
    public int MaxTokens => Options.MaxTokens == 0 ? _backbone.ContextLength : Math.Min(Options.MaxTokens, _backbone.ContextLength);

    /// <inheritdoc/>
    public int Dimension => _backbone.HiddenSize;

    /// <inheritdoc/>
    public IReadOnlyList<Tensor> Parameters => _parameters;

    /// <summary>
    /// Loads a Hugging Face-layout model folder of any supported family (<c>config.json</c>, the weights, tokenizer
    /// files; see <see cref="ModelFolder.Load"/>, so an adapter folder loads merged into its base).
    /// </summary>
    /// <exception cref="ArgumentException">The directory has no tokenizer files.</exception>
    /// <exception cref="Rebel.Models.Gpt2.ModelFormatException">An unsupported model_type, a bad config or mismatched weights.</exception>
    public static TransformerCompletionEncoder Load(string directory, TransformerCompletionEncoderOptions? options = null)
    {
        var backbone = ModelFolder.Load(directory);
        var tokenizer = ModelFolder.LoadTokenizer(directory)
            ?? throw new ArgumentException($"{directory}: no tokenizer files (tokenizer.json, or vocab.json + merges.txt); the transformer encoder reads text");
        return new TransformerCompletionEncoder(backbone, tokenizer, options);
    }

    /// <summary>The token ids fed for one item: prompt ++ completion ++ [EOS], truncated to the last <see cref="MaxTokens"/>.</summary>
    public int[] Tokens(string prompt, string completion)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(completion);
        var x = _tokenizer.Encode(prompt, allowSpecialTokens: false);
        var y = _tokenizer.Encode(completion, allowSpecialTokens: false);
        int? eos = Options.AppendEos ? _tokenizer.EosId : null;
        int total = x.Length + y.Length + (eos is null ? 0 : 1);
        if (total == 0)
        {
            // Nothing to read: stand in with BOS (or EOS) so that the item still has a position to pool.
            int stand = _backbone.BosTokenId ?? (_backbone.EosTokenIds.Count > 0 ? _backbone.EosTokenIds[0] : (int?)null)
                ?? throw new ArgumentException("an empty prompt and completion, and neither the tokenizer nor the backbone has a BOS/EOS id to stand in");
            return [stand];
        }
        var ids = new int[total];
        x.CopyTo(ids, 0);
        y.CopyTo(ids, x.Length);
        if (eos is { } e) ids[^1] = e;
        return ids.Length <= MaxTokens ? ids : ids[^MaxTokens..];
    }

    /// <inheritdoc/>
    public Tensor Encode(IReadOnlyList<(string Prompt, string Completion)> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        int n = items.Count, c = Dimension;
        if (n == 0) throw new ArgumentException("there are no items to encode", nameof(items));
        var sequences = new int[n][];
        int time = 0;
        for (int i = 0; i < n; i++)
        {
            sequences[i] = Tokens(items[i].Prompt, items[i].Completion);
            time = Math.Max(time, sequences[i].Length);
        }
        if (!Tensor.IsGradEnabled)
        {
            // Inference: the KV-cache forward of generation, each sequence at its own length (no padding, no graph).
            var pooled = Options.Pooling == TokenPooling.LastToken ? HiddenStates.Last(_backbone, sequences) : HiddenStates.Mean(_backbone, sequences);
            return Tensor.FromArray(pooled, n, c);                                        // (N, C)
        }
        // Training: right padding to the longest sequence, masked out as keys.
        var ids = new int[n * time];
        var mask = new float[n * time];
        bool padded = false;
        for (int i = 0; i < n; i++)
        {
            sequences[i].CopyTo(ids, i * time);
            mask.AsSpan(i * time, sequences[i].Length).Fill(1f);
            padded |= sequences[i].Length < time;
        }
        var hidden = _backbone.Hidden(ids, n, time, padded ? mask : null);                 // (N, T, C)
        if (Options.Pooling == TokenPooling.LastToken)
        {
            var last = new int[n];
            for (int i = 0; i < n; i++) last[i] = i * time + sequences[i].Length - 1;
            return Tensor.Embedding(hidden.Reshape(n * time, c), last);                   // (N, C): row of each last token
        }
        var weights = new float[n * time];                                               // mask / length
        for (int i = 0; i < n; i++) weights.AsSpan(i * time, sequences[i].Length).Fill(1f / sequences[i].Length);
        return (hidden * Tensor.FromArray(weights, n, time, 1)).Sum(1);                   // (N, C): mean over real tokens
    }

    /// <inheritdoc/>
    public JsonObject Describe() => new()
    {
        ["type"] = TypeName,
        ["backbone"] = BackboneDirectory,
        ["hidden"] = Dimension,
        ["pooling"] = PoolingName(Options.Pooling),
        ["max_tokens"] = Options.MaxTokens,
        ["append_eos"] = Options.AppendEos,
    };

    /// <inheritdoc/>
    public void SaveFiles(string directory)
    {
        var backbone = Path.Combine(directory, BackboneDirectory);
        Directory.CreateDirectory(backbone);
        _backbone.WriteConfig(backbone);
        _tokenizer.Save(backbone);
    }

    /// <summary>Config name of a pooling: <c>last</c> or <c>mean</c>.</summary>
    public static string PoolingName(TokenPooling pooling) => pooling switch
    {
        TokenPooling.LastToken => "last",
        TokenPooling.Mean => "mean",
        _ => throw new ArgumentOutOfRangeException(nameof(pooling), pooling, "unknown pooling"),
    };

    /// <summary>The pooling named <paramref name="name"/> (<c>last</c> or <c>mean</c>).</summary>
    /// <exception cref="ArgumentException">Any other name.</exception>
    public static TokenPooling ParsePooling(string name) => name switch
    {
        "last" => TokenPooling.LastToken,
        "mean" => TokenPooling.Mean,
        _ => throw new ArgumentException($"unknown pooling \"{name}\" (use last or mean)"),
    };

    /// <summary>
    /// Rebuilds the encoder of a saved model from its <see cref="Describe"/> output and the backbone files in
    /// <paramref name="modelDirectory"/> (weights random, to be loaded).
    /// </summary>
    internal static TransformerCompletionEncoder FromConfig(JsonObject config, string modelDirectory)
    {
        string sub = (string?)config["backbone"] ?? BackboneDirectory;
        var backbone = Path.Combine(modelDirectory, sub);
        var configPath = Path.Combine(backbone, "config.json");
        if (!File.Exists(configPath)) throw new InvalidDataException($"{configPath} not found: a transformer-encoder model keeps its backbone config there");
        var tokenizer = ModelFolder.LoadTokenizer(backbone)
            ?? throw new InvalidDataException($"{backbone}: no tokenizer files (tokenizer.json, or vocab.json + merges.txt)");
        var options = new TransformerCompletionEncoderOptions
        {
            Pooling = ParsePooling((string?)config["pooling"] ?? "last"),
            MaxTokens = (int?)config["max_tokens"] ?? 0,
            AppendEos = (bool?)config["append_eos"] ?? true,
        };
        return new TransformerCompletionEncoder(ModelFolder.CreateFromConfig(backbone), tokenizer, options);
    }
}
