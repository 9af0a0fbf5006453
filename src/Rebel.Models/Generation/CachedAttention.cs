using System.Numerics.Tensors;
using Rebel.Tensors.Kernels;

namespace Rebel.Models.Generation;

/// <summary>
/// The attention step of every cached forward pass (GPT-2 and the Llama family): stores each row's keys and values in a
/// <see cref="KvCache"/> and attends each query head over its own sequence's cached positions. With grouped-query
/// attention the cache holds one copy per KV head and query head h reads KV head h / G.
/// </summary>
/// <remarks>
/// Legend: N rows (tokens of one call), H query heads, Hkv = H / G cached heads, D head size. Query row i, head h is read at
/// q[i·qStride + h·D]; its output written at out[i·outStride + h·D].
/// </remarks>
internal sealed class CachedAttention
{
    /// <summary>Shortest run of rows attended with GEMMs rather than row by row.</summary>
    private const int BlockRows = 4;

    private readonly int _groups;
    private float[] _scores = [];

    /// <param name="cache">The cache; its head count is Hkv.</param>
    /// <param name="queryHeads">H, a multiple of the cache's heads.</param>
    public CachedAttention(KvCache cache, int queryHeads)
    {
        Cache = cache;
        QueryHeads = queryHeads;
        _groups = queryHeads / cache.Heads;
    }

    public KvCache Cache { get; }

    /// <summary>H.</summary>
    public int QueryHeads { get; }

    /// <summary>
    /// How one call's rows are attended, the same for every layer: rows grouped into runs (consecutive rows of one
    /// sequence at consecutive positions, e.g. a prompt in prefill), the total work, and the score buffer a job needs.
    /// </summary>
    public sealed record Plan(int[] Sequences, int[] Positions, List<(int First, int Count)> Runs, long Work, int ScoreFloats);

    /// <summary>Reserves the next position of each row's sequence; returns the plan (positions included).</summary>
    /// <exception cref="InvalidOperationException">A sequence's cache is full.</exception>
    public Plan Append(ReadOnlySpan<int> sequences)
    {
        int n = sequences.Length;
        var positions = new int[n];
        for (int i = 0; i < n; i++)
        {
            int s = sequences[i];
            positions[i] = Cache.Lengths[s]++;
            if (positions[i] >= Cache.Capacity)
                throw new InvalidOperationException($"Sequence {s} is full: the KV cache holds {Cache.Capacity} positions.");
        }
        var seqs = sequences.ToArray();
        var runs = new List<(int First, int Count)>();
        long work = 0, buffer = Cache.Capacity, width = (long)QueryHeads * Cache.HeadSize;
        for (int i = 0; i < n; i++)
        {
            work += (positions[i] + 1) * width;
            if (runs.Count > 0 && runs[^1].First + runs[^1].Count == i && seqs[i] == seqs[i - 1] && positions[i] == positions[i - 1] + 1)
                runs[^1] = (runs[^1].First, runs[^1].Count + 1);
            else runs.Add((i, 1));
        }
        foreach (var (first, count) in runs)
            if (count >= BlockRows) buffer = Math.Max(buffer, (long)count * (positions[first] + count));
        return new Plan(seqs, positions, runs, work, checked((int)buffer));
    }

    /// <summary>
    /// Copies each row's Hkv keys (at keys[i·stride + keyOffset + h·D]) and values (at values[i·stride + valueOffset + h·D])
    /// into layer <paramref name="layer"/> of the cache at the row's (sequence, head, position).
    /// </summary>
    public void Store(int layer, Plan plan, ReadOnlySpan<float> keys, ReadOnlySpan<float> values, int stride, int keyOffset, int valueOffset)
    {
        int d = Cache.HeadSize;
        var cachedKeys = Cache.Keys[layer].AsSpan();
        var cachedValues = Cache.Values[layer].AsSpan();
        for (int i = 0; i < plan.Sequences.Length; i++)
            for (int h = 0; h < Cache.Heads; h++)
            {
                int at = Cache.Offset(plan.Sequences[i], h, plan.Positions[i]);
                keys.Slice(i * stride + keyOffset + h * d, d).CopyTo(cachedKeys.Slice(at, d));
                values.Slice(i * stride + valueOffset + h * d, d).CopyTo(cachedValues.Slice(at, d));
            }
    }

    /// <summary>out[i, head h] = Σ_{j ≤ p_i} softmax_j(q_h·k_j / √D) · v_j over row i's own sequence and KV head h / G.</summary>
    /// <remarks>A run of m ≥ <see cref="BlockRows"/> rows is one (sequence, head) job of two GEMMs; shorter runs go row by row.</remarks>
    public void Attend(int layer, Plan plan, float[] q, int qStride, float[] output, int outStride)
    {
        int heads = QueryHeads, jobs = plan.Runs.Count * heads, workers = Gemm.Threads;
        if (plan.Work < 1 << 18 || workers == 1)
        {
            if (_scores.Length < plan.ScoreFloats) _scores = new float[plan.ScoreFloats];
            for (int job = 0; job < jobs; job++) AttendRun(layer, plan, plan.Runs[job / heads], job % heads, q, qStride, output, outStride, _scores);
            return;
        }
        Parallel.For(0, jobs, new ParallelOptions { MaxDegreeOfParallelism = workers }, () => new float[plan.ScoreFloats],
            (job, _, scores) => { AttendRun(layer, plan, plan.Runs[job / heads], job % heads, q, qStride, output, outStride, scores); return scores; }, _ => { });
    }

    private void AttendRun(int layer, Plan plan, (int First, int Count) run, int head, float[] q, int qStride, float[] output, int outStride, float[] buffer)
    {
        if (run.Count < BlockRows)
        {
            for (int row = run.First; row < run.First + run.Count; row++) AttendOne(layer, plan, row, head, q, qStride, output, outStride, buffer);
            return;
        }
        // Block of m rows at positions p0..p0+m−1 of one sequence: S = Q·Kᵀ/√D over keys 0..p0+m−1,
        // causal softmax per row (row i sees keys ≤ p0 + i), then out = S·V.
        int d = Cache.HeadSize, m = run.Count, p0 = plan.Positions[run.First], length = p0 + m;
        int offset = Cache.Offset(plan.Sequences[run.First], head / _groups, 0);
        var qs = q.AsSpan(run.First * qStride + head * d, (m - 1) * qStride + d);                 // (m, D), row stride qStride
        var keys = Cache.Keys[layer].AsSpan(offset, length * d);                                 // K (length, D)
        var values = Cache.Values[layer].AsSpan(offset, length * d);                             // V (length, D)
        var scores = buffer.AsSpan(0, m * length);                                               // (m, length)
        Gemm.SgemmSingleThreaded(false, true, m, length, d, 1f / MathF.Sqrt(d), qs, qStride, keys, d, 0f, scores, length);
        for (int i = 0; i < m; i++)
        {
            var row = scores.Slice(i * length, length);
            int visible = p0 + i + 1;
            TensorPrimitives.SoftMax(row[..visible], row[..visible]);
            row[visible..].Clear();
        }
        var outs = output.AsSpan(run.First * outStride + head * d, (m - 1) * outStride + d);      // (m, D), row stride outStride
        Gemm.SgemmSingleThreaded(false, false, m, d, length, 1f, scores, length, values, d, 0f, outs, outStride);
    }

    private void AttendOne(int layer, Plan plan, int row, int head, float[] q, int qStride, float[] output, int outStride, float[] scoreBuffer)
    {
        int d = Cache.HeadSize, length = plan.Positions[row] + 1;
        int offset = Cache.Offset(plan.Sequences[row], head / _groups, 0);
        var keys = Cache.Keys[layer].AsSpan(offset, length * d);                                 // K (length, D)
        var values = Cache.Values[layer].AsSpan(offset, length * d);                             // V (length, D)
        var scores = scoreBuffer.AsSpan(0, length);
        RowKernels.QueryKeys(q.AsSpan(row * qStride + head * d, d), keys, 1f / MathF.Sqrt(d), scores); // S_j = q·k_j / √D
        TensorPrimitives.SoftMax(scores, scores);                                                // p = softmax(S)
        RowKernels.WeightValues(scores, values, output.AsSpan(row * outStride + head * d, d));   // out = Σ_j p_j v_j
    }
}
