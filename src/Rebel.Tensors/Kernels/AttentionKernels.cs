using System.Numerics.Tensors;

namespace Rebel.Tensors.Kernels;

/// <summary>
/// Fused causal multi-head self-attention, forward and backward, per (batch, head) with blocked GEMMs on one thread
/// each and the B·H pairs spread over the cores.
/// </summary>
/// <remarks>
/// <para>Dimension legend: B batch, T time (queries and keys), H heads, D head size, C = H·D channels.
/// q, k, v are read as [B, T, C] with a batch stride, a row (time) stride and unit channel stride, so slices of a
/// fused qkv projection [B, T, 3C] are read in place. Head h owns channels [h·D, (h+1)·D).</para>
/// <para>Forward per (b, h): S = s·Q Kᵀ with s = 1/√D; key j is visible to query i when j ≤ i and mask[b, j] ≠ 0;
/// P = softmax over the visible keys (a row with none is all zeros); Y = P V. P [B, H, T, T] is saved for backward
/// (row i holds zeros beyond key i). Rows are handled in blocks of <see cref="RowBlock"/>, so a block of queries only
/// multiplies the keys at or before its last row (about half the work of a full T×T product).</para>
/// <para>Backward: dV = Pᵀ dY, dP = dY Vᵀ, dS = P ⊙ (dP − rowsum(dP ⊙ P)), dQ = s·dS K, dK = s·dSᵀ Q; all ADDED into
/// dq, dk, dv ([B, T, C] contiguous).</para>
/// </remarks>
internal static unsafe class AttentionKernels
{
    /// <summary>Query rows per block: a multiple of the GEMM micro-tile height (6) that keeps a block's scores in L1/L2.</summary>
    internal const int RowBlock = 48;

    /// <summary>A [B, T, C] operand: element (b, t, c) at Ptr + b·BatchStride + t·RowStride + c.</summary>
    internal readonly record struct Operand(nint Ptr, long BatchStride, int RowStride)
    {
        public float* Head(int b, int h, int d) => (float*)Ptr + b * BatchStride + h * d;
    }

    /// <summary>
    /// y [B, T, C] (contiguous) = attention(q, k, v); p [B, H, T, T] receives the probabilities, or null when
    /// backward will not run (a per-thread block is used instead). mask [B, T] (1 real, 0 padding) may be null.
    /// </summary>
    public static void Forward(Operand q, Operand k, Operand v, float* mask, float* y, float* p, int batch, int t, int heads, int d)
    {
        int c = heads * d;
        float scale = 1f / MathF.Sqrt(d);
        nint pm = (nint)mask, py = (nint)y, pp = (nint)p;
        ForEachHead(batch * heads, (long)t * t * d, bh =>
        {
            int b = bh / heads, h = bh % heads;
            float* probs = pp != 0 ? (float*)pp + (long)bh * t * t : Pinned(ThreadScratch.Get(t * t + 16));
            float* m = pm != 0 ? (float*)pm + (long)b * t : null;
            float* qh = q.Head(b, h, d), kh = k.Head(b, h, d), vh = v.Head(b, h, d);
            float* yh = (float*)py + (long)b * t * c + h * d;
            for (int i0 = 0; i0 < t; i0 += RowBlock)
            {
                int i1 = Math.Min(t, i0 + RowBlock), rows = i1 - i0;
                // S[i0:i1, 0:i1] = s · Q[i0:i1] K[0:i1]ᵀ
                GemmManaged.Sgemm(false, true, rows, i1, d, scale, qh + (long)i0 * q.RowStride, q.RowStride, kh, k.RowStride, 0f, probs + (long)i0 * t, t, threads: 1);
                for (int i = i0; i < i1; i++) MaskedSoftmaxRow(new Span<float>(probs + (long)i * t, t), i, m);
                // Y[i0:i1] = P[i0:i1, 0:i1] V[0:i1]
                GemmManaged.Sgemm(false, false, rows, d, i1, 1f, probs + (long)i0 * t, t, vh, v.RowStride, 0f, yh + (long)i0 * c, c, threads: 1);
            }
        });
    }

    /// <summary>
    /// Adds the gradients of y = attention(q, k, v) into dq, dk, dv (each [B, T, C] contiguous, or null when not
    /// needed) given dy [B, T, C] (contiguous) and the probabilities p saved by <see cref="Forward"/>.
    /// </summary>
    public static void Backward(Operand q, Operand k, Operand v, float* p, float* dy, float* dq, float* dk, float* dv,
        int batch, int t, int heads, int d)
    {
        int c = heads * d;
        float scale = 1f / MathF.Sqrt(d);
        nint pp = (nint)p, pdy = (nint)dy, pdq = (nint)dq, pdk = (nint)dk, pdv = (nint)dv;
        ForEachHead(batch * heads, 2L * t * t * d, bh =>
        {
            int b = bh / heads, h = bh % heads;
            float* probs = (float*)pp + (long)bh * t * t;
            float* ds = Pinned(ThreadScratch.Get(t * t + 16));   // dP, then dS, [T, T]
            float* qh = q.Head(b, h, d), kh = k.Head(b, h, d), vh = v.Head(b, h, d);
            long o = (long)b * t * c + h * d;
            float* dyh = (float*)pdy + o;
            for (int i0 = 0; i0 < t; i0 += RowBlock)
            {
                int i1 = Math.Min(t, i0 + RowBlock), rows = i1 - i0;
                // dP[i0:i1, 0:i1] = dY[i0:i1] V[0:i1]ᵀ
                GemmManaged.Sgemm(false, true, rows, i1, d, 1f, dyh + (long)i0 * c, c, vh, v.RowStride, 0f, ds + (long)i0 * t, t, threads: 1);
                for (int i = i0; i < i1; i++)
                {
                    var pr = new ReadOnlySpan<float>(probs + (long)i * t, i + 1);
                    var dr = new Span<float>(ds + (long)i * t, i1);
                    var visible = dr[..(i + 1)];
                    float dot = TensorPrimitives.Dot(visible, pr);               // Σ_j dP_ij P_ij
                    TensorPrimitives.Subtract(visible, dot, visible);            // dP − rowsum(dP ⊙ P)
                    TensorPrimitives.Multiply(visible, pr, visible);             // dS = P ⊙ (dP − rowsum(dP ⊙ P))
                    dr[(i + 1)..].Clear();                                       // keys after i: no gradient
                }
                // dQ[i0:i1] += s · dS[i0:i1, 0:i1] K[0:i1]
                if (pdq != 0)
                    GemmManaged.Sgemm(false, false, rows, d, i1, scale, ds + (long)i0 * t, t, kh, k.RowStride, 1f, (float*)pdq + o + (long)i0 * c, c, threads: 1);
            }
            // Key block [j0, j1) only receives from queries i ≥ j0; dS and P are defined (zero past the diagonal) there.
            for (int j0 = 0; j0 < t; j0 += RowBlock)
            {
                int j1 = Math.Min(t, j0 + RowBlock), cols = j1 - j0, depth = t - j0;
                // dK[j0:j1] += s · dS[j0:T, j0:j1]ᵀ Q[j0:T]
                if (pdk != 0)
                    GemmManaged.Sgemm(true, false, cols, d, depth, scale, ds + (long)j0 * t + j0, t, qh + (long)j0 * q.RowStride, q.RowStride, 1f, (float*)pdk + o + (long)j0 * c, c, threads: 1);
                // dV[j0:j1] += P[j0:T, j0:j1]ᵀ dY[j0:T]
                if (pdv != 0)
                    GemmManaged.Sgemm(true, false, cols, d, depth, 1f, probs + (long)j0 * t + j0, t, dyh + (long)j0 * c, c, 1f, (float*)pdv + o + (long)j0 * c, c, threads: 1);
            }
        });
    }

    /// <summary>
    /// Row i of the scores in place → probabilities: keys j ≤ i not masked get e^(S − max)/Σ, all others 0
    /// (a row with no visible key becomes all zeros, never NaN).
    /// </summary>
    private static void MaskedSoftmaxRow(Span<float> row, int i, float* mask)
    {
        var visible = row[..(i + 1)];
        row[(i + 1)..].Clear();                                          // causal: keys after the query are invisible
        if (mask is not null)
            for (int j = 0; j <= i; j++)
                if (mask[j] == 0f) visible[j] = float.NegativeInfinity;  // key padding: e^−∞ = 0
        float max = TensorPrimitives.Max(visible);
        if (float.IsNegativeInfinity(max)) { visible.Clear(); return; }
        TensorPrimitives.Subtract(visible, max, visible);                 // S − max
        TensorPrimitives.Exp(visible, visible);                           // e^(S − max)
        TensorPrimitives.Multiply(visible, 1f / TensorPrimitives.Sum(visible), visible); // P = e^(S − max) / Σ
    }

    /// <summary>Runs <paramref name="body"/> for every (batch, head) index, in parallel when there is enough work.</summary>
    private static void ForEachHead(int count, long workPerHead, Action<int> body)
    {
        int threads = Math.Min(Environment.ProcessorCount, count);
        if (threads <= 1 || count * workPerHead < GemmManaged.ParallelThreshold)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = threads }, body);
    }

    /// <summary>Address of a pinned (POH) scratch array's first element.</summary>
    private static float* Pinned(float[] pinned) => (float*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref pinned[0]);
}
