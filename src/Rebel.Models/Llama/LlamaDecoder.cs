using System.Numerics.Tensors;
using Rebel.Models.Generation;
using Rebel.Models.Llama.Modules;
using Rebel.Tensors;
using Rebel.Tensors.Kernels;

namespace Rebel.Models.Llama;

/// <summary>
/// The Llama-family forward pass for inference with a grouped-query <see cref="KvCache"/> holding one copy per KV head:
/// each call appends tokens to their sequences' caches and returns logits only for the rows asked for. No graph is
/// recorded; weights are read in place (or packed once, see <see cref="ICausalLanguageModel.CreateDecoder"/>).
/// </summary>
/// <remarks>
/// Legend: N rows (tokens in this call), C hidden width, H query heads, Hkv KV heads, D head size, F MLP width, V vocabulary.
/// Per layer: h = rmsnorm(x); q, k, v = h·Wᵀ (+b); qwen3 q/k per-head RMSNorm; RoPE at each row's position; k, v into the
/// cache; attention over the row's own sequence (query head h reads KV head h/G); x += o_proj; x += down(silu(gate(h)) ⊙ up(h)).
/// </remarks>
internal sealed class LlamaDecoder : IKvDecoder
{
    private readonly LlamaModel _model;
    private readonly LlamaConfig _config;
    private readonly CachedAttention _attention;
    private readonly RotaryTable _rotary;
    private readonly Dictionary<Linear, PackedMatrix>? _packed;
    private readonly PackedMatrix? _head;
    private float[] _x = [], _h = [], _q = [], _kv = [], _attn = [], _gate = [], _up = [], _last = [];

    public LlamaDecoder(LlamaModel model, int batch, int capacity, bool packWeights)
    {
        _model = model;
        _config = model.Config;
        if (capacity > _config.ContextLength)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity,
                _config.SlidingWindow is { } w && w < _config.MaxPositions
                    ? $"Cache capacity exceeds the sliding_window of {w}; sliding-window attention is not implemented, so longer sequences are refused."
                    : $"Cache capacity exceeds max_position_embeddings = {_config.MaxPositions}.");
        Cache = new KvCache(_config.Layers, batch, _config.KvHeads, capacity, _config.HeadDim);
        _attention = new CachedAttention(Cache, _config.Heads);
        _rotary = model.Rotary(capacity);
        if (!packWeights) return;
        _packed = [];
        foreach (var layer in model.Layers)
            foreach (var linear in new[] { layer.SelfAttn.QProj, layer.SelfAttn.KProj, layer.SelfAttn.VProj, layer.SelfAttn.OProj,
                         layer.Mlp.GateProj, layer.Mlp.UpProj, layer.Mlp.DownProj })
                _packed[linear] = new PackedMatrix(linear.Weight.AsSpan(), linear.Inputs, transB: true, linear.Inputs, linear.Outputs);
        _head = new PackedMatrix(model.HeadWeight.AsSpan(), _config.HiddenSize, transB: true, _config.HiddenSize, _config.VocabSize); // Wᵀ [C, V]
    }

    public KvCache Cache { get; }

    /// <inheritdoc/>
    public int Capacity => Cache.Capacity;

    /// <inheritdoc/>
    public IReadOnlyList<int> Lengths => Cache.Lengths;

    /// <inheritdoc/>
    public void Forward(ReadOnlySpan<int> sequences, ReadOnlySpan<int> ids, ReadOnlySpan<int> logitRows, Span<float> logits)
    {
        int c = _config.HiddenSize, v = _config.VocabSize, r = logitRows.Length;
        Ensure(ref _last, r * c);
        Hidden(sequences, ids, logitRows, _last);
        // logits = norm(x[rows])·Wᵀ                                                         (R, V)
        if (_head is not null) Gemm.SgemmPacked(false, r, 1f, _last.AsSpan(0, r * c), c, _head, 0f, logits[..(r * v)], v);
        else Gemm.Sgemm(false, true, r, v, c, 1f, _last.AsSpan(0, r * c), c, _model.HeadWeight.AsSpan(), c, 0f, logits[..(r * v)], v);
    }

    /// <inheritdoc/>
    public void Hidden(ReadOnlySpan<int> sequences, ReadOnlySpan<int> ids, ReadOnlySpan<int> rows, Span<float> hidden)
    {
        int n = ids.Length, c = _config.HiddenSize;
        int h = _config.Heads, hkv = _config.KvHeads, d = _config.HeadDim, f = _config.IntermediateSize;
        int qw = h * d, kw = hkv * d;
        Ensure(ref _x, n * c); Ensure(ref _h, n * c); Ensure(ref _q, n * qw); Ensure(ref _kv, n * 2 * kw);
        Ensure(ref _attn, n * qw); Ensure(ref _gate, n * f); Ensure(ref _up, n * f);
        var plan = _attention.Append(sequences);                                           // positions; the same for every layer
        var positions = plan.Positions;

        // x = embed_tokens[id]                                                            (N, C)
        var embed = _model.EmbedTokens.Weight.AsSpan();
        for (int i = 0; i < n; i++) embed.Slice(ids[i] * c, c).CopyTo(_x.AsSpan(i * c, c));

        foreach (var (layer, l) in _model.Layers.Select((layer, l) => (layer, l)))
        {
            var attn = layer.SelfAttn;
            // attention: x += o_proj(attend(rope(q), rope(k), v)) of rmsnorm(x)
            RmsNormKernels.Forward(_x.AsSpan(0, n * c), layer.InputLayerNorm.Weight.AsSpan(), _h, [], c, layer.InputLayerNorm.Epsilon);
            Project(_h, n, attn.QProj, _q, 0, qw, beta: 0f);                                       // q (N, H·D)
            Project(_h, n, attn.KProj, _kv, 0, 2 * kw, beta: 0f);                                  // [k | v] rows (N, 2·Hkv·D)
            Project(_h, n, attn.VProj, _kv, kw, 2 * kw, beta: 0f);
            if (attn.QNorm is not null)
            {
                RmsNormKernels.Forward(_q.AsSpan(0, n * qw), attn.QNorm.Weight.AsSpan(), _q, [], d, attn.QNorm.Epsilon); // per head over D
                for (int i = 0; i < n; i++)
                {
                    var k = _kv.AsSpan(i * 2 * kw, kw);
                    RmsNormKernels.Forward(k, attn.KNorm!.Weight.AsSpan(), k, [], d, attn.KNorm.Epsilon);
                }
            }
            RopeKernels.Forward(_q.AsSpan(0, n * qw), positions, _rotary.CosSpan, _rotary.SinSpan, _q, h, d);
            for (int i = 0; i < n; i++)
            {
                var k = _kv.AsSpan(i * 2 * kw, kw);
                RopeKernels.Forward(k, positions.AsSpan(i, 1), _rotary.CosSpan, _rotary.SinSpan, k, hkv, d);
            }
            _attention.Store(l, plan, _kv, _kv, 2 * kw, 0, kw);
            _attention.Attend(l, plan, _q, qw, _attn, qw);                                        // (N, H·D)
            Project(_attn, n, attn.OProj, _x, 0, c, beta: 1f);                                     // x += ...
            // MLP: x += down(silu(gate(h)) ⊙ up(h)), h = rmsnorm(x)
            var mlp = layer.Mlp;
            RmsNormKernels.Forward(_x.AsSpan(0, n * c), layer.PostAttentionLayerNorm.Weight.AsSpan(), _h, [], c, layer.PostAttentionLayerNorm.Epsilon);
            Project(_h, n, mlp.GateProj, _gate, 0, f, beta: 0f);                                   // (N, F)
            Project(_h, n, mlp.UpProj, _up, 0, f, beta: 0f);                                       // (N, F)
            SwiGluKernels.Forward(_gate.AsSpan(0, n * f), _up.AsSpan(0, n * f), _gate.AsSpan(0, n * f));
            Project(_gate, n, mlp.DownProj, _x, 0, c, beta: 1f);
        }

        // hidden = norm(x[rows])                                                          (R, C)
        int r = rows.Length;
        for (int i = 0; i < r; i++) _x.AsSpan(rows[i] * c, c).CopyTo(hidden.Slice(i * c, c));
        RmsNormKernels.Forward(hidden[..(r * c)], _model.Norm.Weight.AsSpan(), hidden, [], c, _model.Norm.Epsilon);
    }

    /// <summary>
    /// y[:, offset : offset + out] = x·Wᵀ + b (beta = 0) or += (beta = 1), for x [N, in] and y rows of width <paramref name="ldy"/>.
    /// </summary>
    private void Project(float[] x, int n, Linear layer, float[] y, int offset, int ldy, float beta)
    {
        int k = layer.Inputs, m = layer.Outputs;
        var target = y.AsSpan(offset, (n - 1) * ldy + m);
        if (_packed is not null) Gemm.SgemmPacked(false, n, 1f, x.AsSpan(0, n * k), k, _packed[layer], beta, target, ldy);
        else Gemm.Sgemm(false, true, n, m, k, 1f, x.AsSpan(0, n * k), k, layer.Weight.AsSpan(), k, beta, target, ldy);
        layer.Adapter?.AddTo(x, n, target, ldy);                                            // + s·(x·Aᵀ)·Bᵀ (LoRA)
        if (layer.Bias is null) return;
        var bias = layer.Bias.AsSpan();
        for (int i = 0; i < n; i++)
        {
            var row = y.AsSpan(offset + i * ldy, m);
            TensorPrimitives.Add(row, bias, row);
        }
    }

    private static void Ensure(ref float[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new float[length];
    }
}
