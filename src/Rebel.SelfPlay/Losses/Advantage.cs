namespace Rebel.SelfPlay.Losses;

/// <summary>Baselines for policy-gradient advantages.</summary>
internal static class Advantage
{
    /// <summary>
    /// A_i = r_i − (1/(K−1)) Σ_{j≠i} r_j within each group of K consecutive samples (the K completions of one prompt).
    /// </summary>
    public static float[] LeaveOneOut(ReadOnlySpan<float> rewards, int samplesPerPrompt)
    {
        if (samplesPerPrompt < 2) throw new ArgumentOutOfRangeException(nameof(samplesPerPrompt), $"A leave-one-out baseline needs K ≥ 2 samples per prompt, got {samplesPerPrompt}.");
        if (rewards.Length % samplesPerPrompt != 0)
            throw new ArgumentException($"{rewards.Length} rewards do not split into groups of {samplesPerPrompt}.");
        var a = new float[rewards.Length];
        for (int g = 0; g < rewards.Length; g += samplesPerPrompt)
        {
            double sum = 0;
            for (int i = 0; i < samplesPerPrompt; i++) sum += rewards[g + i];
            for (int i = 0; i < samplesPerPrompt; i++)
                a[g + i] = (float)(rewards[g + i] - (sum - rewards[g + i]) / (samplesPerPrompt - 1));
        }
        return a;
    }
}
