namespace Rebel.Models.Llama;

/// <summary>
/// The <c>rope_scaling</c> section of a Llama-family config: how the rotary inverse frequencies f_i = θ^(−2i/D) are
/// rescaled for longer contexts. Supported types: <c>linear</c> (f_i / factor) and <c>llama3</c> (Llama 3.1's
/// wavelength-dependent blend); <c>default</c> (or no section) leaves them as they are.
/// </summary>
/// <param name="Type">"linear" or "llama3".</param>
/// <param name="Factor">The scale factor s (&gt; 0).</param>
/// <param name="LowFrequencyFactor">llama3: <c>low_freq_factor</c>.</param>
/// <param name="HighFrequencyFactor">llama3: <c>high_freq_factor</c>.</param>
/// <param name="OriginalContext">llama3: <c>original_max_position_embeddings</c>, the context L₀ the model was trained with.</param>
public sealed record RopeScaling(string Type, double Factor, double LowFrequencyFactor = 1, double HighFrequencyFactor = 4, int OriginalContext = 8192)
{
    /// <summary>The rope_scaling types this implementation supports.</summary>
    public static IReadOnlyList<string> SupportedTypes { get; } = ["default", "linear", "llama3"];

    /// <summary>Applies the scaling to base inverse frequencies f_i, returning new ones.</summary>
    /// <remarks>
    /// llama3, with wavelength λ_i = 2π/f_i, λ_lo = L₀/low_freq_factor, λ_hi = L₀/high_freq_factor:
    /// λ_i &lt; λ_hi keeps f_i; λ_i &gt; λ_lo uses f_i/s; in between f_i·((1 − a)/s + a) with a = (L₀/λ_i − low)/(high − low).
    /// </remarks>
    public double[] Apply(IReadOnlyList<double> inverseFrequencies)
    {
        var f = inverseFrequencies.ToArray();
        if (Type == "linear")
        {
            for (int i = 0; i < f.Length; i++) f[i] /= Factor;                              // f_i / s
            return f;
        }
        double lowWavelength = OriginalContext / LowFrequencyFactor, highWavelength = OriginalContext / HighFrequencyFactor;
        for (int i = 0; i < f.Length; i++)
        {
            double wavelength = 2 * Math.PI / f[i];                                         // λ_i = 2π / f_i
            if (wavelength < highWavelength) continue;                                      // high frequency: kept
            if (wavelength > lowWavelength) { f[i] /= Factor; continue; }                   // low frequency: f_i / s
            double a = (OriginalContext / wavelength - LowFrequencyFactor) / (HighFrequencyFactor - LowFrequencyFactor);
            f[i] = (1 - a) * f[i] / Factor + a * f[i];                                      // smooth blend between the two
        }
        return f;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the value when a field is out of range.</summary>
    public RopeScaling Validate()
    {
        if (Type is not ("linear" or "llama3"))
            throw new ArgumentException($"unsupported rope_scaling type \"{Type}\" (supported: {string.Join(", ", SupportedTypes)})");
        if (!(Factor > 0) || !double.IsFinite(Factor)) throw new ArgumentException($"rope_scaling.factor must be positive, got {Factor}");
        if (Type == "llama3")
        {
            if (!(HighFrequencyFactor > LowFrequencyFactor) || !(LowFrequencyFactor > 0))
                throw new ArgumentException($"rope_scaling needs 0 < low_freq_factor < high_freq_factor, got {LowFrequencyFactor} and {HighFrequencyFactor}");
            if (OriginalContext <= 0) throw new ArgumentException($"rope_scaling.original_max_position_embeddings must be positive, got {OriginalContext}");
        }
        return this;
    }
}
