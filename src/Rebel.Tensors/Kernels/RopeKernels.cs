namespace Rebel.Tensors.Kernels;

/// <summary>
/// Rotary position embeddings in Hugging Face's <c>rotate_half</c> convention as a Forward/Backward pair, shared by
/// <see cref="Tensor.Rope"/> and the models' cached inference.
/// Dimension legend: N rows (tokens), H heads, D head size (even), D/2 = F frequencies, P table positions.
/// Row n holds H heads of D channels; head channel i &lt; F pairs with channel i + F, both rotated by θ = p_n·f_i:
/// y_i = x_i cos θ − x_{i+F} sin θ, y_{i+F} = x_{i+F} cos θ + x_i sin θ (i.e. y = x·cos + rotate_half(x)·sin).
/// cos and sin are tables [P, F] (see <see cref="RotaryTable"/>) indexed by each row's position.
/// Backward applies the inverse rotation (−θ) and ADDS into dx.
/// </summary>
/// <remarks>
/// N is positions.Length. Sizes and positions are checked once per call, before anything is written.
/// </remarks>
public static class RopeKernels
{
    /// <summary>y [N, H·D] = rotate(x [N, H·D]) by each row's position; x and y may be the same span.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than one head, D not a positive even number, or a position outside the table.</exception>
    /// <exception cref="ArgumentException">x not [N, H·D]; y too short; cos and sin not both [P, D/2].</exception>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<int> positions, ReadOnlySpan<float> cos, ReadOnlySpan<float> sin,
        Span<float> y, int heads, int d)
    {
        Check("Rope", x.Length, nameof(x), positions, cos.Length, sin.Length, y.Length, nameof(y), heads, d);
        int f = d / 2, width = heads * d;
        for (int n = 0; n < positions.Length; n++)
        {
            var ct = cos.Slice(positions[n] * f, f);
            var st = sin.Slice(positions[n] * f, f);
            for (int h = 0, o = n * width; h < heads; h++, o += d)
                for (int i = 0; i < f; i++)
                {
                    float a = x[o + i], b = x[o + i + f];
                    y[o + i] = a * ct[i] - b * st[i];                                // y_i = x_i cos θ − x_{i+F} sin θ
                    y[o + i + f] = b * ct[i] + a * st[i];                            // y_{i+F} = x_{i+F} cos θ + x_i sin θ
                }
        }
    }

    /// <summary>dx [N, H·D] += Rᵀ dy: dx_i += dy_i cos θ + dy_{i+F} sin θ, dx_{i+F} += dy_{i+F} cos θ − dy_i sin θ.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than one head, D not a positive even number, or a position outside the table.</exception>
    /// <exception cref="ArgumentException">dy not [N, H·D]; dx too short; cos and sin not both [P, D/2].</exception>
    public static void Backward(ReadOnlySpan<float> dy, ReadOnlySpan<int> positions, ReadOnlySpan<float> cos, ReadOnlySpan<float> sin,
        Span<float> dx, int heads, int d)
    {
        Check("Rope backward", dy.Length, nameof(dy), positions, cos.Length, sin.Length, dx.Length, nameof(dx), heads, d);
        int f = d / 2, width = heads * d;
        for (int n = 0; n < positions.Length; n++)
        {
            var ct = cos.Slice(positions[n] * f, f);
            var st = sin.Slice(positions[n] * f, f);
            for (int h = 0, o = n * width; h < heads; h++, o += d)
                for (int i = 0; i < f; i++)
                {
                    float a = dy[o + i], b = dy[o + i + f];
                    dx[o + i] += a * ct[i] + b * st[i];                              // dx_i += dy_i cos θ + dy_{i+F} sin θ
                    dx[o + i + f] += b * ct[i] - a * st[i];                          // dx_{i+F} += dy_{i+F} cos θ − dy_i sin θ
                }
        }
    }

    private static void Check(string kernel, int inputLength, string input, ReadOnlySpan<int> positions, int cosLength, int sinLength,
        int outputLength, string output, int heads, int d)
    {
        if (heads < 1) throw new ArgumentOutOfRangeException(nameof(heads), heads, $"{kernel}: needs at least one head.");
        if (d < 2 || d % 2 != 0) throw new ArgumentOutOfRangeException(nameof(d), d, $"{kernel}: the head size D must be a positive even number.");
        long size = (long)positions.Length * heads * d;
        KernelArguments.Exactly(kernel, input, inputLength, size);
        KernelArguments.AtLeast(kernel, output, outputLength, size);
        int f = d / 2;
        if (cosLength != sinLength || cosLength % f != 0)
            throw new ArgumentException($"{kernel}: cos ({cosLength} floats) and sin ({sinLength} floats) must both be tables [P, {f}].", "cos");
        int tablePositions = cosLength / f;
        for (int n = 0; n < positions.Length; n++)
            if ((uint)positions[n] >= (uint)tablePositions)
                throw new ArgumentOutOfRangeException(nameof(positions), positions[n],
                    $"{kernel}: position {positions[n]} of row {n} is outside the table's {tablePositions} positions.");
    }
}
