
namespace Rebel.Tensors;

// Random tensors from a seeded Rng.
public sealed partial class Tensor
{
    /// <summary>A tensor of N(0, std²) samples drawn from <paramref name="rng"/>.</summary>
    public static Tensor Normal(Rng rng, float std, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var t = Empty((int[])shape.Clone(), clear: false);
        rng.FillNormal(t.AsSpan(), 0f, std);
        return t;
    }

    /// <summary>A tensor of U[low, high) samples drawn from <paramref name="rng"/>.</summary>
    public static Tensor Uniform(Rng rng, float low, float high, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var t = Empty((int[])shape.Clone(), clear: false);
        rng.FillUniform(t.AsSpan(), low, high);
        return t;
    }
}
