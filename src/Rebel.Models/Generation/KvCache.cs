namespace Rebel.Models.Generation;

/// <summary>
/// Keys and values of every processed token, per layer, for a batch of independent sequences. Layout per layer:
/// [B, H, capacity, D]: one (sequence, head) is a contiguous [positions, D] matrix, so attention streams it front to
/// back and a new token's key or value is one contiguous write. Each sequence has its own length.
/// </summary>
internal sealed class KvCache
{
    public KvCache(int layers, int batch, int heads, int capacity, int headSize)
    {
        Batch = batch;
        Heads = heads;
        Capacity = capacity;
        HeadSize = headSize;
        Keys = new float[layers][];
        Values = new float[layers][];
        for (int l = 0; l < layers; l++)
        {
            Keys[l] = new float[(long)batch * heads * capacity * headSize];
            Values[l] = new float[(long)batch * heads * capacity * headSize];
        }
        Lengths = new int[batch];
    }

    public int Batch { get; }

    public int Heads { get; }

    public int Capacity { get; }

    public int HeadSize { get; }

    /// <summary>Per layer, [B, H, capacity, D].</summary>
    public float[][] Keys { get; }

    /// <summary>Per layer, [B, H, capacity, D].</summary>
    public float[][] Values { get; }

    /// <summary>Tokens stored so far per sequence (= the position of its next token).</summary>
    public int[] Lengths { get; }

    /// <summary>Offset of (sequence, head) at <paramref name="position"/> in a layer's arrays (its D channels follow).</summary>
    public int Offset(int sequence, int head, int position) => ((sequence * Heads + head) * Capacity + position) * HeadSize;
}
