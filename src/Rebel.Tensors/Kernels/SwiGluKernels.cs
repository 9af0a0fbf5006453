namespace Rebel.Tensors.Kernels;

/// <summary>
/// The SwiGLU gate of Llama's MLP as a Forward/Backward pair over contiguous spans of equal length n, shared by
/// <see cref="Tensor.SwiGlu"/> and the models' cached inference:
/// y = silu(g) ⊙ u with silu(g) = g·σ(g). Backward kernels ADD into dg and du.
/// </summary>
/// <remarks>n is g.Length. Lengths are checked once per call, before anything is written.</remarks>
public static class SwiGluKernels
{
    /// <summary>y [n] = silu(g [n]) ⊙ u [n]; y may be the same span as g or u.</summary>
    /// <exception cref="ArgumentException">u not g's length, or y shorter.</exception>
    public static void Forward(ReadOnlySpan<float> g, ReadOnlySpan<float> u, Span<float> y)
    {
        KernelArguments.Exactly("SwiGlu", nameof(u), u.Length, g.Length);
        KernelArguments.AtLeast("SwiGlu", nameof(y), y.Length, g.Length);
        y = y[..g.Length];
        for (int i = 0; i < y.Length; i++)
        {
            float gi = g[i];
            y[i] = gi / (1f + MathF.Exp(-gi)) * u[i];                               // y = g·σ(g) ⊙ u
        }
    }

    /// <summary>
    /// dg [n] += dy ⊙ u ⊙ σ(g)·(1 + g·(1 − σ(g))); du [n] += dy ⊙ silu(g), given dy, g and u [n].
    /// Either target may be empty (not needed).
    /// </summary>
    /// <exception cref="ArgumentException">g or u not dy's length, or a non-empty target shorter.</exception>
    public static void Backward(ReadOnlySpan<float> dy, ReadOnlySpan<float> g, ReadOnlySpan<float> u, Span<float> dg, Span<float> du)
    {
        const string kernel = "SwiGlu backward";
        KernelArguments.Exactly(kernel, nameof(g), g.Length, dy.Length);
        KernelArguments.Exactly(kernel, nameof(u), u.Length, dy.Length);
        KernelArguments.EmptyOrAtLeast(kernel, nameof(dg), dg.Length, dy.Length);
        KernelArguments.EmptyOrAtLeast(kernel, nameof(du), du.Length, dy.Length);
        for (int i = 0; i < dy.Length; i++)
        {
            float gi = g[i], s = 1f / (1f + MathF.Exp(-gi));                       // σ(g)
            if (!dg.IsEmpty) dg[i] += dy[i] * u[i] * s * (1f + gi * (1f - s));       // d silu/dg = σ(g)(1 + g(1 − σ(g)))
            if (!du.IsEmpty) du[i] += dy[i] * gi * s;                                // ∂y/∂u = silu(g)
        }
    }
}
