using Rebel.Tensors.Kernels;

namespace Rebel.Tensors;

// Rotary position embeddings; kernels in Kernels/RopeKernels.cs. Legend: B batch, T time, H heads, D head size.
public sealed partial class Tensor
{
    /// <summary>
    /// Rotates each head of <paramref name="x"/> [B, T, H·D] by its token's position (Hugging Face's rotate_half
    /// convention): y = x·cos θ + rotate_half(x)·sin θ with θ = position·f_i, channel i &lt; D/2 paired with i + D/2.
    /// <paramref name="positions"/> holds one position per token (B·T, row-major).
    /// </summary>
    /// <remarks>Gradient: the inverse rotation, ∂L/∂x = R(−θ)·∂L/∂y.</remarks>
    /// <exception cref="ArgumentException">x not [B, T, H·D], D ≠ 2·table frequencies, or the wrong number of positions.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A position outside the table.</exception>
    public static Tensor Rope(Tensor x, int[] positions, int heads, RotaryTable table)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(positions);
        ArgumentNullException.ThrowIfNull(table);
        x.CheckAlive();
        if (heads < 1) throw new ArgumentOutOfRangeException(nameof(heads), heads, "Rope needs at least one head.");
        if (x.Rank != 3 || x.Dims[2] != heads * 2 * table.Frequencies)
            throw new ArgumentException($"Rope: x {ShapeMath.Format(x.Dims)} must be [B, T, H·D] with H = {heads} and D = {2 * table.Frequencies}.", nameof(x));
        int n = x.Dims[0] * x.Dims[1], d = 2 * table.Frequencies;
        if (positions.Length != n)
            throw new ArgumentException($"Rope: {positions.Length} positions for x {ShapeMath.Format(x.Dims)} ({n} tokens).", nameof(positions));
        CheckIndices(positions, table.Positions, "Rope", "position", "rotary table positions");

        var xc = x.Contiguous();
        var pos = (int[])positions.Clone();
        var y = Empty(x.ShapeArray, clear: false);                                 // [B, T, H·D]
        RopeKernels.Forward(xc.AsSpan(), pos, table.Cos, table.Sin, y.AsSpan(), heads, d);
        if (!Records(xc)) return y;
        return y.Record("Rope", [xc], g =>
        {
            var gc = g.Contiguous();
            var dx = GradTarget(xc, out bool direct);
            RopeKernels.Backward(gc.AsSpan(), pos, table.Cos, table.Sin, dx.Data.AsSpan(dx.Offset, dx.Size), heads, d);
            if (!direct) AccumulateGrad(xc, dx);
        });
    }
}
