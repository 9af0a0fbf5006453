namespace Rebel.Tensors;

// Grouped-query attention: KV heads shared by G query heads. Legend: B batch, T time, Hkv KV heads, G group size, D head size.
public sealed partial class Tensor
{
    /// <summary>
    /// Grouped-query attention's key/value sharing: x [B, T, Hkv·D] → [B, T, Hkv·G·D] where output head h is input head
    /// h / G (each KV head repeated G times in place, as Hugging Face's repeat_kv).
    /// </summary>
    /// <remarks>Gradient: each input head receives the sum of its G copies' gradients.</remarks>
    /// <exception cref="ArgumentException">x not rank 3, or its channels not divisible into <paramref name="kvHeads"/> heads.</exception>
    public static Tensor RepeatHeads(Tensor x, int kvHeads, int groups)
    {
        ArgumentNullException.ThrowIfNull(x);
        x.CheckAlive();
        if (kvHeads < 1 || groups < 1) throw new ArgumentOutOfRangeException(nameof(groups), $"RepeatHeads: kvHeads {kvHeads} and groups {groups} must be positive.");
        if (x.Rank != 3 || x.Dims[2] % kvHeads != 0)
            throw new ArgumentException($"RepeatHeads: x {ShapeMath.Format(x.Dims)} must be [B, T, Hkv·D] with Hkv = {kvHeads}.", nameof(x));
        if (groups == 1) return x;
        int b = x.Dims[0], t = x.Dims[1], d = x.Dims[2] / kvHeads;
        var y = Empty([b, t, kvHeads * groups * d], clear: false);          // [B, T, Hkv·G·D]
        var src = x.Contiguous();
        var ys = y.AsSpan();
        var xs = src.AsSpan();
        for (int row = 0; row < b * t; row++)
            for (int h = 0; h < kvHeads; h++)
                for (int g = 0; g < groups; g++)
                    xs.Slice((row * kvHeads + h) * d, d).CopyTo(ys.Slice(((row * kvHeads + h) * groups + g) * d, d));
        if (!Records(x)) return y;
        return y.Record("RepeatHeads", [x], grad =>
        {
            var gc = grad.Contiguous().Reshape(b, t, kvHeads, groups, d);
            AccumulateGrad(x, gc.Sum(3).Reshape(b, t, kvHeads * d));
        });
    }
}
