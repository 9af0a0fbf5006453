namespace Rebel.SelfPlay.Training;

/// <summary>Builds the pairs (y, y′) among the K samples of each prompt.</summary>
internal static class Pairing
{
    /// <summary>Index pairs within one group of <paramref name="k"/> samples.</summary>
    public static (int A, int B)[] Within(int k, PairingScheme scheme)
    {
        if (k < 2) throw new ArgumentOutOfRangeException(nameof(k), $"Pairs need K ≥ 2 samples per prompt, got {k}.");
        if (scheme == PairingScheme.Adjacent)
        {
            if (k % 2 != 0) throw new ArgumentException($"Adjacent pairing needs an even K, got {k}.");
            return Enumerable.Range(0, k / 2).Select(i => (2 * i, 2 * i + 1)).ToArray();
        }
        var pairs = new List<(int, int)>(k * (k - 1) / 2);
        for (int i = 0; i < k; i++)
            for (int j = i + 1; j < k; j++) pairs.Add((i, j));
        return pairs.ToArray();
    }

    /// <summary>Pairs over <paramref name="groups"/> consecutive groups of K samples, as global indices.</summary>
    public static (int[] A, int[] B) Build(int groups, int k, PairingScheme scheme)
    {
        var within = Within(k, scheme);
        var a = new int[groups * within.Length];
        var b = new int[a.Length];
        for (int g = 0, p = 0; g < groups; g++)
            foreach (var (i, j) in within) { a[p] = g * k + i; b[p] = g * k + j; p++; }
        return (a, b);
    }
}
