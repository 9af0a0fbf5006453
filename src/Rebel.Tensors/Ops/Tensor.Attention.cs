using Rebel.Tensors.Kernels;

namespace Rebel.Tensors;

// Fused causal self-attention; kernels in Kernels/AttentionKernels.cs.
// Legend: B batch, T time, H heads, D head size, C = H·D channels.
public sealed partial class Tensor
{
    /// <summary>
    /// Causal multi-head self-attention: for each batch entry and head h (channels [h·D, (h+1)·D) of
    /// <paramref name="q"/>, <paramref name="k"/>, <paramref name="v"/>, all [B, T, C] with C = heads·D),
    /// y = softmax(Q Kᵀ / √D + causal mask + key-padding mask) V, merged back into [B, T, C].
    /// </summary>
    /// <remarks>
    /// <para>Query i sees key j when j ≤ i and, with <paramref name="keyMask"/> [B, T] (1 = real token, 0 = padding),
    /// when keyMask[b, j] ≠ 0. A query that sees no key yields zeros (never NaN) and passes no gradient.</para>
    /// <para>q, k and v may be strided views with unit channel stride (e.g. slices of one fused qkv projection
    /// [B, T, 3C]); they are read in place. Forward and backward are fused kernels run per (batch, head) on the
    /// cores; only the attention probabilities P [B, H, T, T] are kept for backward:
    /// dV = Pᵀ dY, dS = P ⊙ (dY Vᵀ − rowsum(P ⊙ dY Vᵀ)), dQ = dS K / √D, dK = dSᵀ Q / √D.</para>
    /// </remarks>
    /// <exception cref="ArgumentException">Shapes that differ or are not [B, T, C], C not divisible by heads, or a key
    /// mask not [B, T] (messages name the shapes).</exception>
    /// <exception cref="ArgumentOutOfRangeException">heads &lt; 1.</exception>
    public static unsafe Tensor CausalSelfAttention(Tensor q, Tensor k, Tensor v, int heads, Tensor? keyMask = null)
    {
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(k);
        ArgumentNullException.ThrowIfNull(v);
        q.CheckAlive(); k.CheckAlive(); v.CheckAlive(); keyMask?.CheckAlive();
        if (heads < 1) throw new ArgumentOutOfRangeException(nameof(heads), heads, "CausalSelfAttention needs at least one head.");
        if (q.Rank != 3 || !ShapeMath.SameShape(q.Dims, k.Dims) || !ShapeMath.SameShape(q.Dims, v.Dims))
            throw new ArgumentException($"CausalSelfAttention needs q, k, v of one shape [B, T, C]; got q {ShapeMath.Format(q.Dims)}, k {ShapeMath.Format(k.Dims)}, v {ShapeMath.Format(v.Dims)}.");
        int batch = q.Dims[0], t = q.Dims[1], c = q.Dims[2];
        if (c % heads != 0)
            throw new ArgumentException($"CausalSelfAttention: channels C = {c} of q {ShapeMath.Format(q.Dims)} are not divisible by {heads} heads.", nameof(heads));
        if (keyMask is not null && (keyMask.Rank != 2 || keyMask.Dims[0] != batch || keyMask.Dims[1] != t))
            throw new ArgumentException($"CausalSelfAttention: key mask {ShapeMath.Format(keyMask.Dims)} must be [B, T] = [{batch}, {t}] for q {ShapeMath.Format(q.Dims)}.", nameof(keyMask));
        int d = c / heads;

        q = UnitChannelStride(q); k = UnitChannelStride(k); v = UnitChannelStride(v);
        var mask = keyMask?.Contiguous();
        var y = Empty([batch, t, c], clear: false);                        // [B, T, C], heads merged
        bool records = Records([q, k, v]);
        var probs = records ? Empty([batch, heads, t, t], clear: false) : null; // P [B, H, T, T], saved for backward
        if (y.Size == 0) return records ? y.Record("CausalSelfAttention", [q, k, v], _ => { }) : y;

        fixed (float* pq = q.Data, pk = k.Data, pv = v.Data, py = y.Data)
        fixed (float* pm = mask is null ? null : mask.Data, pp = probs is null ? null : probs.Data)
        {
            AttentionKernels.Forward(Operand(q, pq), Operand(k, pk), Operand(v, pv),
                pm is null ? null : pm + mask!.Offset, py, pp, batch, t, heads, d);
        }
        if (!records) return y;

        return y.Record("CausalSelfAttention", [q, k, v], g =>
        {
            var gc = g.Contiguous();
            bool directQ = true, directK = true, directV = true;
            var dq = q.RequiresGrad ? GradTarget(q, out directQ) : null;
            var dk = k.RequiresGrad ? GradTarget(k, out directK) : null;
            var dv = v.RequiresGrad ? GradTarget(v, out directV) : null;
            fixed (float* pq = q.Data, pk = k.Data, pv = v.Data, pp = probs!.Data, pg = gc.Data)
            fixed (float* pdq = dq is null ? null : dq.Data, pdk = dk is null ? null : dk.Data, pdv = dv is null ? null : dv.Data)
            {
                AttentionKernels.Backward(Operand(q, pq), Operand(k, pk), Operand(v, pv), pp, pg + gc.Offset,
                    pdq is null ? null : pdq + dq!.Offset, pdk is null ? null : pdk + dk!.Offset, pdv is null ? null : pdv + dv!.Offset,
                    batch, t, heads, d);
            }
            if (!directQ) AccumulateGrad(q, dq!);
            if (!directK) AccumulateGrad(k, dk!);
            if (!directV) AccumulateGrad(v, dv!);
        });
    }

    /// <summary>x itself when its channel axis has unit stride (a row-strided view is fine), else a contiguous copy.</summary>
    private static Tensor UnitChannelStride(Tensor x) => x.Strides[2] == 1 || x.Dims[2] == 1 ? x : x.Contiguous();

    private static unsafe AttentionKernels.Operand Operand(Tensor x, float* data) =>
        new((nint)(data + x.Offset), x.Strides[0], x.Strides[1]);
}
