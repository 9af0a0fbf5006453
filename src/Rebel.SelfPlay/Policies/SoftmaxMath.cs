namespace Rebel.SelfPlay.Policies;

/// <summary>
/// Numerically stable softmax kernels over one row of logits θ (length n = number of actions).
/// ln π(a) = θ_a − ln Σ_b exp θ_b, computed with the maximum subtracted first.
/// </summary>
internal static class SoftmaxMath
{
    /// <summary>ln Σ_b exp θ_b (the log-normalizer), stable for large logits.</summary>
    public static double LogSumExp(ReadOnlySpan<double> logits)
    {
        var max = double.NegativeInfinity;
        foreach (var v in logits) max = Math.Max(max, v);
        if (double.IsNegativeInfinity(max)) return max;
        var sum = 0.0;
        foreach (var v in logits) sum += Math.Exp(v - max);
        return max + Math.Log(sum);
    }

    /// <summary>ln π = θ − LogSumExp(θ), written into <paramref name="logProbs"/>.</summary>
    public static void LogSoftmax(ReadOnlySpan<double> logits, Span<double> logProbs)
    {
        var lse = LogSumExp(logits);
        for (var a = 0; a < logits.Length; a++) logProbs[a] = logits[a] - lse;
    }

    /// <summary>π = exp(θ − LogSumExp(θ)), written into <paramref name="probs"/>.</summary>
    public static void Softmax(ReadOnlySpan<double> logits, Span<double> probs)
    {
        var lse = LogSumExp(logits);
        for (var a = 0; a < logits.Length; a++) probs[a] = Math.Exp(logits[a] - lse);
    }

    /// <summary>Shifts θ so that LogSumExp(θ) = 0: the logits become ln π (the policy is unchanged).</summary>
    public static void Normalize(Span<double> logits)
    {
        var lse = LogSumExp(logits);
        for (var a = 0; a < logits.Length; a++) logits[a] -= lse;
    }
}
