namespace Rebel.Tensors;

/// <summary>
/// Cosines and sines of rotary position embeddings: θ[p, i] = p·f_i for positions p &lt; <see cref="Positions"/> and
/// the F = D/2 inverse frequencies f_i of a head of size D; tables [P, F], computed in double and rounded once.
/// </summary>
/// <remarks>Which frequencies (base θ, scaling) is the model's business; this only tabulates them.</remarks>
public sealed class RotaryTable
{
    /// <summary>Tabulates cos and sin of p·f_i for p in [0, <paramref name="positions"/>).</summary>
    /// <exception cref="ArgumentException">No frequencies, a non-finite one, or positions &lt; 1.</exception>
    public RotaryTable(IReadOnlyList<double> inverseFrequencies, int positions)
    {
        ArgumentNullException.ThrowIfNull(inverseFrequencies);
        if (inverseFrequencies.Count == 0) throw new ArgumentException("RotaryTable needs at least one frequency.", nameof(inverseFrequencies));
        if (positions < 1) throw new ArgumentOutOfRangeException(nameof(positions), positions, "RotaryTable needs at least one position.");
        int f = inverseFrequencies.Count;
        foreach (var v in inverseFrequencies)
            if (!double.IsFinite(v)) throw new ArgumentException($"RotaryTable: inverse frequency {v} is not finite.", nameof(inverseFrequencies));
        Frequencies = f;
        Positions = positions;
        Cos = new float[(long)positions * f];
        Sin = new float[(long)positions * f];
        for (int p = 0; p < positions; p++)
            for (int i = 0; i < f; i++)
            {
                // HF forms θ = p·f_i in float32; the float32 product is kept, then cos/sin taken exactly of it.
                float theta = (float)p * (float)inverseFrequencies[i];
                Cos[p * f + i] = (float)Math.Cos(theta);
                Sin[p * f + i] = (float)Math.Sin(theta);
            }
    }

    /// <summary>F, the number of frequencies (half the rotated head size).</summary>
    public int Frequencies { get; }

    /// <summary>P, positions tabulated.</summary>
    public int Positions { get; }

    /// <summary>cos θ, [P, F] row-major.</summary>
    internal float[] Cos { get; }

    /// <summary>sin θ, [P, F] row-major.</summary>
    internal float[] Sin { get; }

    /// <summary>cos θ, [P, F] row-major.</summary>
    public ReadOnlySpan<float> CosSpan => Cos;

    /// <summary>sin θ, [P, F] row-major.</summary>
    public ReadOnlySpan<float> SinSpan => Sin;
}
