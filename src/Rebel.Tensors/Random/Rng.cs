namespace Rebel.Tensors;

/// <summary>
/// A seeded pseudo-random generator (xoshiro256**, seeded through SplitMix64) with normal, uniform and multinomial
/// sampling. Same seed → same sequence on every machine; the full state can be saved and restored, so a resumed
/// run draws exactly the numbers an uninterrupted run would.
/// </summary>
public sealed class Rng
{
    private ulong _s0, _s1, _s2, _s3;
    private double _spareNormal;
    private bool _hasSpare;

    /// <summary>A generator seeded with <paramref name="seed"/>.</summary>
    public Rng(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix(ref x); _s1 = SplitMix(ref x); _s2 = SplitMix(ref x); _s3 = SplitMix(ref x);
    }

    /// <summary>SplitMix64's increment γ = ⌊2⁶⁴/φ⌋.</summary>
    private const ulong Gamma = 0x9E3779B97F4A7C15UL;

    /// <summary>
    /// The seed of sub-stream <paramref name="stream"/> of a run seeded with <paramref name="seed"/>: the
    /// <paramref name="stream"/>-th output of SplitMix64 started at <paramref name="seed"/>,
    /// mix(seed + stream · γ). Rebel's one rule for deriving seeds: every independent use of randomness in a run
    /// (the policy's samples and the reference's in an evaluation, ...) takes its own stream number, so two uses never
    /// share a sequence, and a derived seed is as well mixed as a fresh one whatever the run seed (0, 1, 2, ...).
    /// </summary>
    public static ulong DeriveSeed(ulong seed, ulong stream) => Finalize(seed + stream * Gamma);

    private static ulong SplitMix(ref ulong x) => Finalize(x += Gamma);

    // SplitMix64's output function: z ← (z ⊕ z≫30)·c₁, z ← (z ⊕ z≫27)·c₂, z ⊕ z≫31
    private static ulong Finalize(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, 1) as a float (24 random bits).</summary>
    public float NextFloat() => (NextUInt64() >> 40) * (1f / (1 << 24));

    /// <summary>Uniform integer in [0, <paramref name="n"/>), without modulo bias.</summary>
    public int NextInt(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), $"NextInt needs n > 0, got {n}.");
        ulong bound = (ulong)n;
        ulong threshold = (0UL - bound) % bound;
        while (true)
        {
            ulong r = NextUInt64();
            if (r >= threshold) return (int)(r % bound);
        }
    }

    /// <summary>Standard normal N(0, 1) by the Box–Muller transform (pairs cached).</summary>
    public double NextNormal()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spareNormal;
        }
        double u1;
        do u1 = NextDouble(); while (u1 <= double.Epsilon);
        double u2 = NextDouble();
        double radius = Math.Sqrt(-2.0 * Math.Log(u1));
        _spareNormal = radius * Math.Sin(2.0 * Math.PI * u2);
        _hasSpare = true;
        return radius * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Fills <paramref name="destination"/> with N(mean, std²) samples.</summary>
    public void FillNormal(Span<float> destination, float mean = 0f, float std = 1f)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = mean + std * (float)NextNormal();
    }

    /// <summary>Fills <paramref name="destination"/> with U[low, high) samples.</summary>
    public void FillUniform(Span<float> destination, float low = 0f, float high = 1f)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = low + (high - low) * NextFloat();
    }

    /// <summary>
    /// One index drawn with probability proportional to <paramref name="weights"/> (non-negative, not all zero;
    /// need not be normalized).
    /// </summary>
    public int Categorical(ReadOnlySpan<float> weights)
    {
        double total = 0;
        foreach (var w in weights)
        {
            if (!(w >= 0f) || float.IsInfinity(w)) throw new ArgumentException($"Categorical weights must be finite and non-negative, found {w}.");
            total += w;
        }
        if (total <= 0) throw new ArgumentException("Categorical weights are all zero.");
        double u = NextDouble() * total, acc = 0;
        int last = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            if (weights[i] <= 0f) continue;
            acc += weights[i];
            last = i;
            if (u < acc) return i;
        }
        return last; // rounding: u landed on the total
    }

    /// <summary>
    /// <paramref name="count"/> indices drawn from the distribution ∝ <paramref name="weights"/>, with or without
    /// replacement (without: count ≤ number of positive weights).
    /// </summary>
    public int[] Multinomial(ReadOnlySpan<float> weights, int count, bool replacement = true)
    {
        var result = new int[count];
        if (replacement)
        {
            for (int i = 0; i < count; i++) result[i] = Categorical(weights);
            return result;
        }
        var w = weights.ToArray();
        if (count > w.Count(v => v > 0f)) throw new ArgumentException($"Cannot draw {count} distinct indices from {w.Count(v => v > 0f)} positive weights.");
        for (int i = 0; i < count; i++)
        {
            result[i] = Categorical(w);
            w[result[i]] = 0f;
        }
        return result;
    }

    /// <summary>Shuffles <paramref name="items"/> in place (Fisher–Yates).</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>The complete state, for checkpoints.</summary>
    public RngState GetState() => new(_s0, _s1, _s2, _s3, _hasSpare, _spareNormal);

    /// <summary>Restores a state returned by <see cref="GetState"/>.</summary>
    public void SetState(RngState state)
    {
        if ((state.S0 | state.S1 | state.S2 | state.S3) == 0) throw new ArgumentException("An all-zero xoshiro state is invalid.");
        (_s0, _s1, _s2, _s3, _hasSpare, _spareNormal) = (state.S0, state.S1, state.S2, state.S3, state.HasSpareNormal, state.SpareNormal);
    }
}

/// <summary>The serializable state of an <see cref="Rng"/>.</summary>
public sealed record RngState(ulong S0, ulong S1, ulong S2, ulong S3, bool HasSpareNormal, double SpareNormal);
