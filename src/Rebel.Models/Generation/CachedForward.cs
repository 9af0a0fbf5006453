using System.Numerics.Tensors;
using Rebel.Models.Gpt2;
using Rebel.Models.Gpt2.Modules;
using Rebel.Tensors.Kernels;

namespace Rebel.Models.Generation;

/// <summary>
/// GPT-2's forward pass for inference with a <see cref="KvCache"/>: each call appends tokens to their sequences'
/// caches and returns logits only for the rows asked for. No graph is recorded; weights are read in place.
/// </summary>
/// <remarks>
/// Legend: N rows (tokens in this call, any mix of sequences), C width, H heads, D head size, V vocabulary.
/// A row at position p of sequence s attends to s's cached positions 0..p, which this call has already filled
/// for every earlier row of s, so a whole prompt can be fed in one call (prefill) and single tokens after (decode).
/// </remarks>
internal sealed class CachedForward : IKvDecoder
{
    private readonly Gpt2Model _model;
    private readonly Gpt2Config _config;
    private readonly PackedWeights? _packed;
    private readonly CachedAttention _attention;
    private float[] _x = [], _h = [], _qkv = [], _attn = [], _mlp = [], _last = [];

    /// <param name="model">The model; its weights must not change while this object is in use.</param>
    /// <param name="batch">Sequences in the cache.</param>
    /// <param name="capacity">Positions per sequence.</param>
    /// <param name="packWeights">Pack every weight matrix for the GEMM micro-kernel once, here, instead of on every call:
    /// worth it for many calls with few rows each (decoding), at the cost of a second copy of the weights.</param>
    public CachedForward(Gpt2Model model, int batch, int capacity, bool packWeights = false)
    {
        _model = model;
        _config = model.Config;
        if (capacity > _config.ContextLength)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"Cache capacity exceeds the context length {_config.ContextLength}.");
        Cache = new KvCache(_config.Layers, batch, _config.Heads, capacity, _config.HeadSize);
        _attention = new CachedAttention(Cache, _config.Heads);
        if (packWeights) _packed = new PackedWeights(model);
    }

    public KvCache Cache { get; }

    /// <inheritdoc/>
    public int Capacity => Cache.Capacity;

    /// <inheritdoc/>
    public IReadOnlyList<int> Lengths => Cache.Lengths;

    /// <summary>
    /// Appends token <c>ids[i]</c> to sequence <c>sequences[i]</c> for every row i (in order) and writes the logits of
    /// rows <c>logitRows</c> into <paramref name="logits"/> [logitRows.Length, V].
    /// </summary>
    public void Forward(ReadOnlySpan<int> sequences, ReadOnlySpan<int> ids, ReadOnlySpan<int> logitRows, Span<float> logits)
    {
        int c = _config.EmbeddingSize, v = _config.VocabSize, r = logitRows.Length;
        Ensure(ref _last, r * c);
        Hidden(sequences, ids, logitRows, _last);
        // logits = ln_f(x[rows])·wteᵀ                                                      (R, V)
        if (_packed is not null) Gemm.SgemmPacked(false, r, 1f, _last.AsSpan(0, r * c), c, _packed.Head, 0f, logits[..(r * v)], v);
        else Gemm.Sgemm(false, true, r, v, c, 1f, _last.AsSpan(0, r * c), c, _model.Wte.Weight.AsSpan(), c, 0f, logits[..(r * v)], v);
    }

    /// <summary>
    /// As <see cref="Forward"/>, but writes the final hidden states ln_f(x) of rows <paramref name="rows"/> into
    /// <paramref name="hidden"/> [rows.Length, C] instead of logits.
    /// </summary>
    public void Hidden(ReadOnlySpan<int> sequences, ReadOnlySpan<int> ids, ReadOnlySpan<int> rows, Span<float> hidden)
    {
        int n = ids.Length, c = _config.EmbeddingSize, inner = _config.MlpSize;
        Ensure(ref _x, n * c); Ensure(ref _h, n * c); Ensure(ref _qkv, n * 3 * c); Ensure(ref _attn, n * c);
        Ensure(ref _mlp, n * inner);
        var plan = _attention.Append(sequences);                                           // the same for every layer
        var positions = plan.Positions;

        // x = wte[id] + wpe[position]                                                     (N, C)
        var wte = _model.Wte.Weight.AsSpan();
        var wpe = _model.Wpe.Weight.AsSpan();
        for (int i = 0; i < n; i++)
            TensorPrimitives.Add(wte.Slice(ids[i] * c, c), wpe.Slice(positions[i] * c, c), _x.AsSpan(i * c, c));

        for (int l = 0; l < _config.Layers; l++)
        {
            var block = _model.Blocks[l];
            // attention: x += c_proj(attend(c_attn(ln_1(x))))
            Normalize(_x, n, block.Ln1, _h);
            Affine(_h, n, c, block.Attn.CAttn, _packed?.Layers[l].Attention, 3 * c, _qkv, beta: 0f);         // (N, 3C)
            _attention.Store(l, plan, _qkv, _qkv, 3 * c, c, 2 * c);                                // k, v of qkv = [q | k | v]
            _attention.Attend(l, plan, _qkv, 3 * c, _attn, c);                                     // (N, C)
            Affine(_attn, n, c, block.Attn.CProj, _packed?.Layers[l].AttentionProjection, c, _x, beta: 1f);      // x += ...
            // MLP: x += c_proj(act(c_fc(ln_2(x))))
            Normalize(_x, n, block.Ln2, _h);
            Affine(_h, n, c, block.Mlp.CFc, _packed?.Layers[l].MlpIn, inner, _mlp, beta: 0f);                 // (N, 4C)
            var inside = _mlp.AsSpan(0, n * inner);
            if (_config.Activation == Gpt2Activation.Relu) ReluKernels.Forward(inside, inside);
            else GeluKernels.Forward(inside, inside);                                             // GELU, tanh form
            Affine(_mlp, n, inner, block.Mlp.CProj, _packed?.Layers[l].MlpOut, c, _x, beta: 1f);
        }

        // hidden = ln_f(x[rows])                                                            (R, C)
        int r = rows.Length;
        for (int i = 0; i < r; i++) _x.AsSpan(rows[i] * c, c).CopyTo(hidden.Slice(i * c, c));
        Normalize(hidden, r, _model.LnF, hidden);
    }

    /// <summary>y = ln(x) for the first <paramref name="rows"/> rows of x [N, C] (no statistics saved).</summary>
    private static void Normalize(ReadOnlySpan<float> x, int rows, LayerNorm ln, Span<float> y)
    {
        int c = ln.Weight.Size;
        LayerNormKernels.Forward(x[..(rows * c)], ln.Weight.AsSpan(), ln.Bias.AsSpan(), y, [], [], c, ln.Epsilon);
    }

    /// <summary>y = x·W + b (beta = 0) or y += x·W + b (beta = 1), x [N, K], W [K, M] (from <paramref name="packed"/> if given), plus the layer's LoRA adapter when attached.</summary>
    private static void Affine(float[] x, int n, int k, Conv1D layer, PackedMatrix? packed, int m, float[] y, float beta)
    {
        if (packed is not null) Gemm.SgemmPacked(false, n, 1f, x.AsSpan(0, n * k), k, packed, beta, y.AsSpan(0, n * m), m);
        else Gemm.Sgemm(false, false, n, m, k, 1f, x.AsSpan(0, n * k), k, layer.Weight.AsSpan(), m, beta, y.AsSpan(0, n * m), m);
        RowKernels.AddBias(y, layer.Bias.AsSpan(), n);
        layer.Adapter?.AddTo(x, n, y, m);                                                      // + s·(x·Aᵀ)·Bᵀ (LoRA)
    }

    /// <summary>Every weight matrix of the model packed once for <see cref="Gemm.SgemmPacked"/>.</summary>
    private sealed class PackedWeights
    {
        public PackedWeights(Gpt2Model model)
        {
            var config = model.Config;
            int c = config.EmbeddingSize, inner = config.MlpSize;
            Layers = model.Blocks.Select(block => new PackedLayer(
                Pack(block.Attn.CAttn, c, 3 * c), Pack(block.Attn.CProj, c, c), Pack(block.Mlp.CFc, c, inner), Pack(block.Mlp.CProj, inner, c))).ToArray();
            Head = new PackedMatrix(model.Wte.Weight.AsSpan(), c, transB: true, c, config.VocabSize); // wteᵀ [C, V]
        }

        public PackedLayer[] Layers { get; }

        /// <summary>The tied output head wteᵀ [C, V].</summary>
        public PackedMatrix Head { get; }

        private static PackedMatrix Pack(Conv1D layer, int inputs, int outputs) => new(layer.Weight.AsSpan(), outputs, transB: false, inputs, outputs);
    }

    private sealed record PackedLayer(PackedMatrix Attention, PackedMatrix AttentionProjection, PackedMatrix MlpIn, PackedMatrix MlpOut);

    private static void Ensure(ref float[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new float[length];
    }
}
