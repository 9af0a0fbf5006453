namespace Rebel.SelfPlay.Training;

/// <summary>
/// REBEL's regression targets Δ for pairs (y, y′), from judge preferences or scalar rewards, with the optional
/// anchor penalty folded in per sequence. All arrays are indexed by completion (N) or by pair (P).
/// </summary>
internal static class RegressionTargets
{
    /// <summary>
    /// Preference mode: Δ = l(x, y, y′) − ½ − β·[(ln π_t(y) − ln π_anchor(y)) − (ln π_t(y′) − ln π_anchor(y′))].
    /// l − ½ is antisymmetric and, in least squares over y, y′ ~ π_t, regresses onto r_t(y) − r_t(y′) with
    /// r_t(y) = P(y ≻ π_t); the β term is the prox/magnet (or reference) penalty applied to each sequence's reward.
    /// </summary>
    public static float[] FromPreferences(ReadOnlySpan<float> l, int[] a, int[] b,
        ReadOnlySpan<float> oldLogProbs, ReadOnlySpan<float> anchorLogProbs, double beta)
    {
        var delta = new float[l.Length];
        for (int p = 0; p < l.Length; p++)
        {
            double d = l[p] - 0.5;                                                                         // l − ½
            if (beta > 0)
                d -= beta * ((oldLogProbs[a[p]] - anchorLogProbs[a[p]]) - (oldLogProbs[b[p]] - anchorLogProbs[b[p]])); // − β[KL-ish(y) − KL-ish(y′)]
            delta[p] = (float)d;
        }
        return delta;
    }

    /// <summary>
    /// Reward mode: r̃_i = (finished_i ? r_i : noEosReward) − β·(ln π_t(y_i) − ln π_anchor(y_i)), and Δ = r̃(y) − r̃(y′).
    /// Returns the per-pair Δ and the penalized per-completion rewards r̃.
    /// </summary>
    public static (float[] Delta, float[] Rewards) FromRewards(ReadOnlySpan<float> rewards, ReadOnlySpan<bool> finished,
        int[] a, int[] b, ReadOnlySpan<float> oldLogProbs, ReadOnlySpan<float> anchorLogProbs, double beta, double noEosReward)
    {
        var shaped = new float[rewards.Length];
        for (int i = 0; i < rewards.Length; i++)
        {
            double r = finished[i] ? rewards[i] : noEosReward;                       // fixed penalty without EOS
            if (beta > 0) r -= beta * (oldLogProbs[i] - anchorLogProbs[i]);           // r ← r − β(ln π_t − ln π_anchor)
            shaped[i] = (float)r;
        }
        var delta = new float[a.Length];
        for (int p = 0; p < a.Length; p++) delta[p] = shaped[a[p]] - shaped[b[p]];    // Δ = r(y) − r(y′)
        return (delta, shaped);
    }

    /// <summary>
    /// Reward mode's preference labels for DPO and IPO: l = σ(r(y) − r(y′)) from the raw reward (r = noEosReward for a
    /// completion without EOS), never from r̃, which has −β·ln(π_t/π_anchor) folded in: these losses carry β themselves,
    /// so a penalized label would count the KL term twice (TRL's online DPO and the IPO paper label with the raw reward).
    /// </summary>
    public static float[] RewardPreferences(ReadOnlySpan<float> rewards, ReadOnlySpan<bool> finished, int[] a, int[] b, double noEosReward)
    {
        var l = new float[a.Length];
        for (int p = 0; p < a.Length; p++)
        {
            double ra = finished[a[p]] ? rewards[a[p]] : noEosReward, rb = finished[b[p]] ? rewards[b[p]] : noEosReward;
            l[p] = (float)(1.0 / (1.0 + Math.Exp(-(ra - rb))));                                   // l = σ(r(y) − r(y′))
        }
        return l;
    }

    /// <summary>
    /// The end-of-sequence rule of preference mode: a completion cut off by the length limit loses to a finished one
    /// (l = 0 or 1) and two cut-off completions tie (l = ½); pairs of finished completions keep the judge's l.
    /// </summary>
    public static float[] ApplyEndOfSequenceRule(ReadOnlySpan<float> l, int[] a, int[] b, ReadOnlySpan<bool> finished)
    {
        var result = l.ToArray();
        for (int p = 0; p < result.Length; p++)
        {
            bool fa = finished[a[p]], fb = finished[b[p]];
            if (fa && fb) continue;
            result[p] = fa == fb ? 0.5f : (fa ? 1f : 0f);
        }
        return result;
    }

    /// <summary>
    /// P̂(y_i ≻ π_t): the mean of l over every pair containing completion i (as l when first, 1 − l when second);
    /// ½ for a completion in no pair. With all K(K−1)/2 pairs this is r̂_i = mean_j l_ij.
    /// </summary>
    public static float[] WinRates(int count, int[] a, int[] b, ReadOnlySpan<float> l)
    {
        var sum = new double[count];
        var n = new int[count];
        for (int p = 0; p < a.Length; p++)
        {
            sum[a[p]] += l[p]; n[a[p]]++;
            sum[b[p]] += 1 - l[p]; n[b[p]]++;
        }
        var w = new float[count];
        for (int i = 0; i < count; i++) w[i] = n[i] == 0 ? 0.5f : (float)(sum[i] / n[i]);
        return w;
    }
}
