namespace Rebel.SelfPlay.Training;

/// <summary>
/// The log-probabilities of the magnet mixed with π_ref (<see cref="RebelOptions.MagnetMixing"/>):
/// ln π_mag(y) = ln[(1 − ε)·π_snap(y) + ε·π_ref(y)], where π_snap is the snapshot of π_t taken at the last reset.
/// The mixture is applied when the anchor is scored, so the magnet itself stays a plain policy snapshot.
/// </summary>
/// <remarks>Shapes: snapshot, reference and the result are [N], one sequence log-probability per completion.</remarks>
internal static class MagnetMixture
{
    /// <summary>ln[(1 − ε)e^a + ε e^b] per completion, by log-sum-exp (no underflow for very unlikely completions);
    /// returns <paramref name="snapshot"/> itself when ε = 0.</summary>
    public static float[] LogProbs(float[] snapshot, float[] reference, double mixing)
    {
        if (mixing == 0) return snapshot;
        if (snapshot.Length != reference.Length)
            throw new ArgumentException($"{snapshot.Length} magnet and {reference.Length} reference log-probabilities.");
        double keep = Math.Log(1 - mixing), mix = Math.Log(mixing);
        var result = new float[snapshot.Length];
        for (int i = 0; i < result.Length; i++)
        {
            double a = keep + snapshot[i], b = mix + reference[i];                   // ln(1 − ε) + ln π_snap, ln ε + ln π_ref
            double top = Math.Max(a, b);
            result[i] = (float)(top + Math.Log(Math.Exp(a - top) + Math.Exp(b - top))); // ln(e^a + e^b)
        }
        return result;
    }
}
