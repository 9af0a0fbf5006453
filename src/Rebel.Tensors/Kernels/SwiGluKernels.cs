namespace Rebel.Tensors.Kernels;

/// <summary>
/// The SwiGLU gate of Llama's MLP as a Forward/Backward pair over contiguous spans of equal length n:
/// y = silu(g) ⊙ u with silu(g) = g·σ(g). Backward kernels ADD into dg and du.
/// </summary>
public static class SwiGluKernels
{
    /// <summary>y = silu(g) ⊙ u; y may alias g or u.</summary>
    public static void Forward(ReadOnlySpan<float> g, ReadOnlySpan<float> u, Span<float> y)
    {
        for (int i = 0; i < y.Length; i++)
        {
            float gi = g[i];
            y[i] = gi / (1f + MathF.Exp(-gi)) * u[i];                               // y = g·σ(g) ⊙ u
        }
    }

    /// <summary>dg += dy ⊙ u ⊙ σ(g)·(1 + g·(1 − σ(g))); du += dy ⊙ silu(g). Either target may be empty (not needed).</summary>
    public static void Backward(ReadOnlySpan<float> dy, ReadOnlySpan<float> g, ReadOnlySpan<float> u, Span<float> dg, Span<float> du)
    {
        for (int i = 0; i < dy.Length; i++)
        {
            float gi = g[i], s = 1f / (1f + MathF.Exp(-gi));                       // σ(g)
            if (!dg.IsEmpty) dg[i] += dy[i] * u[i] * s * (1f + gi * (1f - s));       // d silu/dg = σ(g)(1 + g(1 − σ(g)))
            if (!du.IsEmpty) du[i] += dy[i] * gi * s;                                // ∂y/∂u = silu(g)
        }
    }
}
