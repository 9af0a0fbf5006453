namespace Rebel.Models.Tokenization;

/// <summary>
/// One BPE merge rule: the adjacent tokens <see cref="Left"/> and <see cref="Right"/> (byte-level strings, e.g.
/// "Ġ" and "t") become the token <c>Left + Right</c>. A merge's rank is its position in the merge list; lower
/// ranks are applied first.
/// </summary>
public readonly record struct BpeMerge(string Left, string Right)
{
    /// <summary>The merged token's string, <c>Left + Right</c>.</summary>
    public string Merged => Left + Right;

    /// <summary>The merges.txt form, "Left Right".</summary>
    public override string ToString() => $"{Left} {Right}";
}
