namespace Rebel.Models.Generation;

/// <summary>
/// A model's forward pass for inference with a KV cache over a batch of independent sequences: each call appends
/// tokens to their sequences' caches and returns logits only for the rows asked for. No graph is recorded.
/// </summary>
/// <remarks>
/// Legend: N rows (tokens in this call, any mix of sequences), V vocabulary. A row at position p of sequence s attends
/// to s's cached positions 0..p, which the call has already filled for every earlier row of s, so a whole prompt can be
/// fed in one call (prefill) and single tokens after (decode).
/// </remarks>
public interface IKvDecoder
{
    /// <summary>Positions each sequence can hold.</summary>
    int Capacity { get; }

    /// <summary>Tokens stored so far per sequence (= the position of its next token).</summary>
    IReadOnlyList<int> Lengths { get; }

    /// <summary>
    /// Appends token <c>ids[i]</c> to sequence <c>sequences[i]</c> for every row i (in order) and writes the logits of
    /// rows <c>logitRows</c> into <paramref name="logits"/> [logitRows.Length, V].
    /// </summary>
    /// <exception cref="InvalidOperationException">A sequence's cache is full.</exception>
    void Forward(ReadOnlySpan<int> sequences, ReadOnlySpan<int> ids, ReadOnlySpan<int> logitRows, Span<float> logits);

    /// <summary>
    /// As <see cref="Forward"/>, but writes the final hidden states (after the last norm, C = the model's hidden size)
    /// of rows <paramref name="rows"/> into <paramref name="hidden"/> [rows.Length, C] instead of logits.
    /// </summary>
    /// <exception cref="InvalidOperationException">A sequence's cache is full.</exception>
    void Hidden(ReadOnlySpan<int> sequences, ReadOnlySpan<int> ids, ReadOnlySpan<int> rows, Span<float> hidden);
}
