using Rebel.Tensors.Autograd;

namespace Rebel.Tensors;

// Dropout: zero each element with probability p and scale the survivors by 1/(1 − p) (inverted dropout).
public sealed partial class Tensor
{
    /// <summary>
    /// y = x ⊙ m / (1 − p) with m_i ~ Bernoulli(1 − p) drawn from <paramref name="rng"/>, so E[y] = x; ∂L/∂x = g ⊙ m / (1 − p).
    /// p = 0 returns this tensor unchanged and draws nothing. The mask depends only on the generator's state, so a seeded
    /// generator gives the same masks run after run (and <see cref="Checkpoint"/> replays them).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">p outside [0, 1).</exception>
    public Tensor Dropout(float p, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (!(p >= 0f && p < 1f)) throw new ArgumentOutOfRangeException(nameof(p), $"Dropout probability must be in [0, 1), got {p}.");
        CheckAlive();
        if (p == 0f) return this;
        RandomReplay.BeforeDraw(rng);
        var mask = Empty(ShapeArray, clear: false);
        var m = mask.AsSpan();
        rng.FillUniform(m);
        float keep = 1f / (1f - p);
        for (int i = 0; i < m.Length; i++) m[i] = m[i] < p ? 0f : keep;                // m_i / (1 − p)
        return this * mask;
    }
}
