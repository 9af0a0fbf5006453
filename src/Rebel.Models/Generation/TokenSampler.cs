using System.Numerics.Tensors;
using Rebel.Tensors;

namespace Rebel.Models.Generation;

/// <summary>
/// Draws one token from a logit row: z/τ → ln softmax (reported) → top-k → top-p → renormalize → draw.
/// </summary>
internal sealed class TokenSampler
{
    private readonly GenerationOptions _options;
    private float[] _logProbs = [], _keys = [];
    private int[] _order = [];

    public TokenSampler(GenerationOptions options) => _options = options;

    /// <summary>Returns (token, ln q(token), ln softmax(z/τ)(token)); <paramref name="logits"/> is overwritten.</summary>
    public (int Token, float SamplingLogProb, float LogProb) Sample(Span<float> logits, Rng rng)
    {
        int v = logits.Length;
        if (_options.Temperature == 0f)
        {
            int best = TensorPrimitives.IndexOfMax(logits);
            RowKernels.LogSoftmax(logits);
            return (best, 0f, logits[best]);
        }
        if (_options.Temperature != 1f) TensorPrimitives.Multiply(logits, 1f / _options.Temperature, logits);
        RowKernels.LogSoftmax(logits);                                     // ln softmax(z/τ)
        if (_options.TopK == 0 && _options.TopP >= 1f)
        {
            int token = Draw(logits, rng, v);
            return (token, logits[token], logits[token]);
        }

        // Sort candidates by probability, most likely first, then cut by k and p.
        if (_order.Length < v) { _order = new int[v]; _keys = new float[v]; _logProbs = new float[v]; }
        var order = _order.AsSpan(0, v);
        var keys = _keys.AsSpan(0, v);
        for (int i = 0; i < v; i++) { order[i] = i; keys[i] = -logits[i]; }
        keys.Sort(order);
        int keep = _options.TopK > 0 ? Math.Min(_options.TopK, v) : v;
        if (_options.TopP < 1f)
        {
            double cumulative = 0;
            for (int i = 0; i < keep; i++)
            {
                cumulative += Math.Exp(logits[order[i]]);
                if (cumulative >= _options.TopP) { keep = i + 1; break; }
            }
        }
        // q = p restricted to the kept set, renormalized: ln q = ln p − ln Σ_kept p.
        double mass = 0;
        for (int i = 0; i < keep; i++) mass += Math.Exp(logits[order[i]]);
        float logMass = (float)Math.Log(mass);
        var kept = _logProbs.AsSpan(0, keep);
        for (int i = 0; i < keep; i++) kept[i] = logits[order[i]] - logMass;
        int pick = Draw(kept, rng, keep);
        int chosen = order[pick];
        return (chosen, kept[pick], logits[chosen]);
    }

    /// <summary>Inverse-CDF draw from log-probabilities (normalized).</summary>
    private static int Draw(ReadOnlySpan<float> logProbs, Rng rng, int count)
    {
        double u = rng.NextDouble(), cumulative = 0;
        int last = 0;
        for (int i = 0; i < count; i++)
        {
            if (float.IsNegativeInfinity(logProbs[i])) continue;
            cumulative += Math.Exp(logProbs[i]);
            last = i;
            if (u < cumulative) return i;
        }
        return last; // rounding left u ≥ Σ: the last possible token
    }
}
