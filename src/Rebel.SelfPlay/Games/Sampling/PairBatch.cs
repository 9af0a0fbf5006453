using Rebel.Preference;
using Rebel.Tensors;

namespace Rebel.SelfPlay.Games.Sampling;

/// <summary>
/// One iteration's sampled pairs (y_i, y′_i), i = 1..S, with the judge's answer l_i = P(y_i ≻ y′_i), the
/// regression target of each pair, and the anchor log-probabilities ln π_anchor(a) for every action a
/// (ln π_t for REBEL and SPPO, ln π_t^μ for Nash-MD, ln π_ref for IPO).
/// </summary>
internal sealed class PairBatch
{
    public PairBatch(int[] first, int[] second, double[] preference, double[] anchorLogProbs)
    {
        if (first.Length != second.Length || first.Length != preference.Length)
            throw new ArgumentException($"Pair arrays differ in length: {first.Length}, {second.Length}, {preference.Length}.");
        First = first;
        Second = second;
        Preference = preference;
        Target = new double[first.Length];
        for (var i = 0; i < Target.Length; i++) Target[i] = preference[i] - 0.5; // Δ = l − ½
        AnchorLogProbs = anchorLogProbs;
    }

    /// <summary>y_i (action indices), S of them.</summary>
    public int[] First { get; }

    /// <summary>y′_i.</summary>
    public int[] Second { get; }

    /// <summary>l_i = P(y_i ≻ y′_i) from the judge.</summary>
    public double[] Preference { get; }

    /// <summary>The regression target of each pair; starts as Δ_i = l_i − ½, and an algorithm may add terms to it.</summary>
    public double[] Target { get; }

    /// <summary>ln π_anchor(a) for each action a (length n).</summary>
    public double[] AnchorLogProbs { get; }

    /// <summary>S, the number of pairs.</summary>
    public int Count => First.Length;

    /// <summary>Draws S pairs y ~ <paramref name="first"/>, y′ ~ <paramref name="second"/> (probability vectors) and
    /// asks the judge (here the exact matrix entry l = P_{y y′}) about each.</summary>
    public static PairBatch Draw(
        PreferenceMatrix judge, double[] first, double[] second, int count, Rng random, double[] anchorLogProbs)
    {
        var ys = new int[count];
        var yPrimes = new int[count];
        var labels = new double[count];
        for (var i = 0; i < count; i++)
        {
            ys[i] = SampleFrom(first, random);
            yPrimes[i] = SampleFrom(second, random);
            labels[i] = judge[ys[i], yPrimes[i]];
        }
        return new PairBatch(ys, yPrimes, labels, anchorLogProbs);
    }

    /// <summary>Draws an index from a probability vector by inverting the cumulative distribution (the last index
    /// absorbs rounding).</summary>
    internal static int SampleFrom(ReadOnlySpan<double> probabilities, Rng random)
    {
        var u = random.NextDouble();
        var cumulative = 0.0;
        for (var a = 0; a < probabilities.Length - 1; a++)
        {
            cumulative += probabilities[a];
            if (u < cumulative) return a;
        }
        return probabilities.Length - 1;
    }
}
