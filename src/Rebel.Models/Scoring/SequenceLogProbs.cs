using Rebel.Tensors;

namespace Rebel.Models.Scoring;

/// <summary>
/// Sequence log-probabilities of completions given prompts — the quantity REBEL regresses:
/// ln π(y|x) = Σ_{j&lt;|y|} ln softmax(z_j / τ)[y_j], where z_j are the logits that predict completion token y_j
/// (EOS included when y ends with it) and τ is the temperature.
/// </summary>
/// <remarks>
/// Pairs are batched with right padding: row i holds s_i = x_i ‖ y_i minus its last id, positions 0.. as if alone,
/// and padded keys are masked out. Differentiable with respect to the model's parameters unless called under
/// <see cref="Tensor.NoGrad"/>.
/// </remarks>
public static class SequenceLogProbs
{
    /// <summary>Scores every pair in one padded batch.</summary>
    /// <param name="model">The policy.</param>
    /// <param name="pairs">Prompt/completion id pairs; each prompt needs at least one id.</param>
    /// <param name="temperature">τ &gt; 0: logits are divided by it (1 = the model's own distribution).</param>
    /// <exception cref="ArgumentException">An empty prompt, a pair longer than the context, or τ ≤ 0.</exception>
    public static SequenceLogProbResult Compute(ICausalLanguageModel model, IReadOnlyList<PromptCompletion> pairs, float temperature = 1f)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(pairs);
        if (pairs.Count == 0) throw new ArgumentException("SequenceLogProbs: no pairs to score.", nameof(pairs));
        if (!(temperature > 0) || float.IsInfinity(temperature))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "The temperature must be positive and finite.");
        int n = pairs.Count, time = 1;
        for (int i = 0; i < n; i++)
        {
            var p = pairs[i];
            if (p.PromptIds.Length == 0)
                throw new ArgumentException($"SequenceLogProbs: pair {i} has an empty prompt; it needs at least one id (e.g. BOS) to condition the first completion token.", nameof(pairs));
            if (p.InputLength > model.ContextLength)
                throw new ArgumentException($"SequenceLogProbs: pair {i} needs {p.InputLength} positions, more than the context length {model.ContextLength}.", nameof(pairs));
            foreach (var id in p.PromptIds.Concat(p.CompletionIds))
                if ((uint)id >= (uint)model.VocabSize)
                    throw new ArgumentOutOfRangeException(nameof(pairs), $"SequenceLogProbs: pair {i} has token id {id}, outside the vocabulary [0, {model.VocabSize}).");
            time = Math.Max(time, p.InputLength);
        }

        // Right-padded grid: inputs s[0..L−2], targets s[1..L−1], weight 1 where the target is a completion id.
        var ids = new int[n * time];
        var targets = new int[n * time];
        var attention = new float[n * time];
        var completion = new float[n * time];
        var promptLengths = new int[n];
        var completionLengths = new int[n];
        for (int i = 0; i < n; i++)
        {
            var (prompt, answer) = (pairs[i].PromptIds, pairs[i].CompletionIds);
            promptLengths[i] = prompt.Length;
            completionLengths[i] = answer.Length;
            int length = Math.Max(pairs[i].InputLength, 1);
            for (int t = 0; t < length; t++)
            {
                int at = i * time + t;
                ids[at] = t < prompt.Length ? prompt[t] : answer[t - prompt.Length];
                attention[at] = 1f;
                int next = t + 1;
                if (next < prompt.Length + answer.Length)
                {
                    targets[at] = next < prompt.Length ? prompt[next] : answer[next - prompt.Length];
                    if (next >= prompt.Length) completion[at] = 1f;
                }
            }
        }

        var logits = model.Forward(ids, n, time, attention);                     // (N, T, V)
        if (temperature != 1f) logits = logits.Scale(1f / temperature);          // z / τ
        var tokenLogProbs = logits.LogSoftmax().GatherLast(targets);            // (N, T): ln softmax(z/τ)[target]
        var masked = tokenLogProbs * Tensor.FromArray(completion, n, time);      // (N, T), 0 off the completion
        var totals = masked.Sum(1);                                             // (N)
        return new SequenceLogProbResult(totals, masked, promptLengths, completionLengths);
    }
}
