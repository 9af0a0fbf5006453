using System.Text.Json.Nodes;
using Rebel.Models.Generation;
using Rebel.Models.Gpt2;
using Rebel.Models.Tokenization;
using Rebel.Tensors;

namespace Rebel.Preference.Models;

/// <summary>
/// A GPT-2-family backbone as the encoder of a preference model: h(x, y) = pool(GPT-2 final hidden states of
/// tokens(x) ++ tokens(y) ++ [EOS]) ∈ R^C, C = <c>n_embd</c>. Every backbone weight is trainable.
/// </summary>
/// <remarks>
/// <para>Pooling (<see cref="Gpt2Pooling"/>): by default the hidden state after <c>ln_f</c> at the <b>last token</b>
/// (the appended EOS when the tokenizer has one), which under causal attention is the one position that has seen the
/// whole prompt and completion; or the mean over all tokens. Sequences longer than
/// <see cref="Gpt2CompletionEncoderOptions.MaxTokens"/> keep their last tokens. Texts are encoded with special-token
/// matching off, so a completion that contains the text <c>&lt;|endoftext|&gt;</c> is read as ordinary text.</para>
/// <para>With gradients on, a batch is right-padded to its longest sequence with an attention mask (through
/// <see cref="Gpt2Model.Hidden"/>), so each item's vector is the one it gets alone; with gradients off (judging,
/// evaluation) it runs the inference forward pass of <see cref="HiddenStates"/>, each sequence at its own length. Parameters: the backbone's, named <c>encoder.</c> + their Hugging Face GPT-2 name (e.g.
/// <c>encoder.h.0.attn.c_attn.weight</c>). A saved model keeps the backbone's <c>config.json</c> and tokenizer files
/// in <c>DIR/backbone/</c> and its weights in <c>DIR/model.safetensors</c> with the head's.</para>
/// </remarks>
public sealed class Gpt2CompletionEncoder : ICompletionEncoder
{
    /// <summary>The <c>type</c> written in the model config.</summary>
    public const string TypeName = "gpt2";

    /// <summary>The subdirectory of a saved preference model that holds the backbone's config and tokenizer.</summary>
    public const string BackboneDirectory = "backbone";

    private readonly Gpt2Model _backbone;
    private readonly ITokenizer _tokenizer;
    private readonly Tensor[] _parameters;

    /// <summary>An encoder over <paramref name="backbone"/> (which it now owns: its parameters are renamed) and its tokenizer.</summary>
    /// <exception cref="ArgumentException">The tokenizer's vocabulary does not fit the backbone's.</exception>
    public Gpt2CompletionEncoder(Gpt2Model backbone, ITokenizer tokenizer, Gpt2CompletionEncoderOptions? options = null)
    {
        _backbone = backbone ?? throw new ArgumentNullException(nameof(backbone));
        _tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        Options = (options ?? new Gpt2CompletionEncoderOptions()).Validate();
        if (tokenizer.VocabSize > backbone.Config.VocabSize)
            throw new ArgumentException($"the tokenizer has {tokenizer.VocabSize} ids but the GPT-2 backbone only {backbone.Config.VocabSize} embeddings", nameof(tokenizer));
        _parameters = backbone.Parameters.Select(p =>
        {
            p.Value.Name = "encoder." + p.Name;
            p.Value.RequiresGrad = true;
            return p.Value;
        }).ToArray();
    }

    /// <summary>Pooling, length limit and EOS handling.</summary>
    public Gpt2CompletionEncoderOptions Options { get; }

    /// <summary>The GPT-2 backbone.</summary>
    public Gpt2Model Backbone => _backbone;

    /// <summary>Most tokens fed per item: <see cref="Gpt2CompletionEncoderOptions.MaxTokens"/>, or the context length when 0 or larger.</summary>
    public int MaxTokens => Options.MaxTokens == 0 ? _backbone.Config.ContextLength : Math.Min(Options.MaxTokens, _backbone.Config.ContextLength);

    /// <inheritdoc/>
    public int Dimension => _backbone.Config.EmbeddingSize;

    /// <inheritdoc/>
    public IReadOnlyList<Tensor> Parameters => _parameters;

    /// <summary>Loads a Hugging Face-layout GPT-2 directory (<c>config.json</c>, <c>model.safetensors</c>, tokenizer files).</summary>
    /// <exception cref="ArgumentException">The directory has no tokenizer files.</exception>
    public static Gpt2CompletionEncoder Load(string directory, Gpt2CompletionEncoderOptions? options = null)
    {
        var backbone = Gpt2Checkpoint.Load(directory);
        var tokenizer = Gpt2Checkpoint.LoadTokenizer(directory)
            ?? throw new ArgumentException($"{directory}: no tokenizer files (tokenizer.json, or vocab.json + merges.txt); the gpt2 encoder reads text");
        return new Gpt2CompletionEncoder(backbone, tokenizer, options);
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
            int stand = _backbone.Config.BosTokenId ?? _backbone.Config.EosTokenId
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
            var pooled = Options.Pooling == Gpt2Pooling.LastToken ? HiddenStates.Last(_backbone, sequences) : HiddenStates.Mean(_backbone, sequences);
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
        if (Options.Pooling == Gpt2Pooling.LastToken)
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
        _backbone.Config.Save(Path.Combine(backbone, Gpt2Checkpoint.ConfigFile));
        _tokenizer.Save(backbone);
    }

    /// <summary>Config name of a pooling: <c>last</c> or <c>mean</c>.</summary>
    public static string PoolingName(Gpt2Pooling pooling) => pooling switch
    {
        Gpt2Pooling.LastToken => "last",
        Gpt2Pooling.Mean => "mean",
        _ => throw new ArgumentOutOfRangeException(nameof(pooling), pooling, "unknown pooling"),
    };

    /// <summary>The pooling named <paramref name="name"/> (<c>last</c> or <c>mean</c>).</summary>
    /// <exception cref="ArgumentException">Any other name.</exception>
    public static Gpt2Pooling ParsePooling(string name) => name switch
    {
        "last" => Gpt2Pooling.LastToken,
        "mean" => Gpt2Pooling.Mean,
        _ => throw new ArgumentException($"unknown pooling \"{name}\" (use last or mean)"),
    };

    /// <summary>
    /// Rebuilds the encoder of a saved model from its <see cref="Describe"/> output and the backbone files in
    /// <paramref name="modelDirectory"/> (weights random, to be loaded).
    /// </summary>
    internal static Gpt2CompletionEncoder FromConfig(JsonObject config, string modelDirectory)
    {
        string sub = (string?)config["backbone"] ?? BackboneDirectory;
        var backbone = Path.Combine(modelDirectory, sub);
        var configPath = Path.Combine(backbone, Gpt2Checkpoint.ConfigFile);
        if (!File.Exists(configPath)) throw new InvalidDataException($"{configPath} not found: a gpt2-encoder model keeps its backbone config there");
        var tokenizer = Gpt2Checkpoint.LoadTokenizer(backbone)
            ?? throw new InvalidDataException($"{backbone}: no tokenizer files (tokenizer.json, or vocab.json + merges.txt)");
        var options = new Gpt2CompletionEncoderOptions
        {
            Pooling = ParsePooling((string?)config["pooling"] ?? "last"),
            MaxTokens = (int?)config["max_tokens"] ?? 0,
            AppendEos = (bool?)config["append_eos"] ?? true,
        };
        return new Gpt2CompletionEncoder(new Gpt2Model(Gpt2Config.Load(configPath)), tokenizer, options);
    }
}
