namespace Rebel.Models.Generation;

/// <summary>
/// Final hidden states (after the last norm: GPT-2's <c>ln_f</c>, Llama's <c>model.norm</c>) of whole sequences for
/// inference: the model's cached forward pass (<see cref="ICausalLanguageModel.CreateDecoder"/>) fed each sequence in one
/// prefill, no autograd graph, no padding (each sequence has its own length and positions). The same values as
/// <see cref="ICausalLanguageModel.Hidden"/> up to float rounding, at a fraction of its cost.
/// </summary>
/// <remarks>Sequences are processed <see cref="ChunkSize"/> at a time, so the KV cache stays small.</remarks>
public static class HiddenStates
{
    /// <summary>Sequences fed per cached forward call.</summary>
    public const int ChunkSize = 32;

    /// <summary>h_i = norm(x_i)[last token] for each sequence i; returns [N, C] row-major.</summary>
    /// <exception cref="ArgumentException">An empty sequence, one longer than the context, or an id outside the vocabulary.</exception>
    public static float[] Last(ICausalLanguageModel model, IReadOnlyList<int[]> sequences) => Pool(model, sequences, mean: false);

    /// <summary>h_i = (1/T_i) Σ_t norm(x_i)[t] for each sequence i (T_i its length); returns [N, C] row-major.</summary>
    /// <exception cref="ArgumentException">An empty sequence, one longer than the context, or an id outside the vocabulary.</exception>
    public static float[] Mean(ICausalLanguageModel model, IReadOnlyList<int[]> sequences) => Pool(model, sequences, mean: true);

    private static float[] Pool(ICausalLanguageModel model, IReadOnlyList<int[]> sequences, bool mean)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sequences);
        int c = model.HiddenSize;
        for (int i = 0; i < sequences.Count; i++)
        {
            var s = sequences[i] ?? throw new ArgumentException($"HiddenStates: sequence {i} is null.", nameof(sequences));
            if (s.Length == 0 || s.Length > model.ContextLength)
                throw new ArgumentException($"HiddenStates: sequence {i} has {s.Length} ids; it needs 1 to the context length {model.ContextLength}.", nameof(sequences));
            foreach (var id in s)
                if ((uint)id >= (uint)model.VocabSize)
                    throw new ArgumentException($"HiddenStates: sequence {i} has token id {id}, outside the vocabulary [0, {model.VocabSize}).", nameof(sequences));
        }

        var result = new float[sequences.Count * c];
        for (int start = 0; start < sequences.Count; start += ChunkSize)
        {
            int count = Math.Min(ChunkSize, sequences.Count - start);
            int capacity = 0, total = 0;
            for (int i = 0; i < count; i++) { capacity = Math.Max(capacity, sequences[start + i].Length); total += sequences[start + i].Length; }
            // Every token of the chunk in one call: row → (sequence, id); the rows whose hidden state we keep.
            var rowSequence = new int[total];
            var rowId = new int[total];
            var keep = new int[mean ? total : count];
            for (int i = 0, at = 0; i < count; i++)
            {
                foreach (var id in sequences[start + i]) { rowSequence[at] = i; rowId[at] = id; if (mean) keep[at] = at; at++; }
                if (!mean) keep[i] = at - 1;
            }
            var forward = model.CreateDecoder(count, capacity, packWeights: false);
            var hidden = new float[keep.Length * c];                                    // (R, C)
            forward.Hidden(rowSequence, rowId, keep, hidden);
            var output = result.AsSpan(start * c, count * c);
            if (!mean)
            {
                hidden.CopyTo(output);
                continue;
            }
            for (int row = 0; row < total; row++)                                     // Σ_t h[t] per sequence
                System.Numerics.Tensors.TensorPrimitives.Add(output.Slice(rowSequence[row] * c, c), hidden.AsSpan(row * c, c), output.Slice(rowSequence[row] * c, c));
            for (int i = 0; i < count; i++)                                           // / T_i
                System.Numerics.Tensors.TensorPrimitives.Multiply(output.Slice(i * c, c), 1f / sequences[start + i].Length, output.Slice(i * c, c));
        }
        return result;
    }
}
