namespace Rebel.Models.Generation;

/// <summary>One generated completion.</summary>
/// <param name="Ids">The new token ids (EOS included when it stopped there).</param>
/// <param name="SamplingLogProbs">ln q(y_j) per token, q the distribution actually sampled from: softmax(z/τ)
/// restricted to the top-k/top-p set and renormalized (0 for greedy decoding, where q is a point mass).</param>
/// <param name="LogProbs">ln softmax(z/τ)(y_j) per token, without truncation — the quantity REBEL scores completions by
/// (for greedy decoding, τ = 1 is used).</param>
/// <param name="FinishReason">Why it stopped.</param>
/// <param name="Text">The decoded completion when the generator has a tokenizer, else null.</param>
public sealed record GeneratedSequence(int[] Ids, float[] SamplingLogProbs, float[] LogProbs, FinishReason FinishReason, string? Text = null)
{
    /// <summary>Σ_j <see cref="LogProbs"/>: ln π(y|x) at temperature τ.</summary>
    public double LogProb => LogProbs.Sum(v => (double)v);

    /// <summary>Whether the completion ended with EOS.</summary>
    public bool EndedWithEos => FinishReason == FinishReason.Eos;
}
