namespace Rebel.SelfPlay.Training;

/// <summary>How the K completions of one prompt are paired.</summary>
public enum PairingScheme
{
    /// <summary>All K(K−1)/2 pairs (i, j), i &lt; j.</summary>
    AllPairs,

    /// <summary>K/2 disjoint adjacent pairs (0,1), (2,3), … as in the original REBEL implementation (K even).</summary>
    Adjacent,
}
