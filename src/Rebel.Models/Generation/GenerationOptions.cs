namespace Rebel.Models.Generation;

/// <summary>How <see cref="Generator"/> samples.</summary>
/// <param name="MaxNewTokens">Most tokens generated per sequence (default 64); a sequence also stops at EOS or when
/// it fills the model's context.</param>
/// <param name="Temperature">τ: sampling uses softmax(z / τ) (default 1). τ = 0 means greedy decoding (argmax).</param>
/// <param name="TopK">Keep only the k most likely tokens before sampling (0 = off, the default).</param>
/// <param name="TopP">Nucleus sampling: keep the smallest set of most likely tokens whose probability reaches p
/// (1 = off, the default). Applied after top-k.</param>
/// <param name="Seed">Seed of the sampling generator; sequence i draws from its own stream derived from (seed, i),
/// so a sequence's sample does not depend on what else is in the batch.</param>
/// <param name="EosTokenId">The id that ends a sequence; null = the model's <c>eos_token_id</c> (and no stopping if it has none).</param>
/// <param name="StopAtEos">Whether a sequence stops after emitting EOS (default true; the EOS id is kept in the output).</param>
public sealed record GenerationOptions(
    int MaxNewTokens = 64,
    float Temperature = 1f,
    int TopK = 0,
    float TopP = 1f,
    ulong Seed = 0,
    int? EosTokenId = null,
    bool StopAtEos = true)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the value when a field is out of range.</summary>
    public GenerationOptions Validate()
    {
        if (MaxNewTokens < 1) throw new ArgumentException($"GenerationOptions: MaxNewTokens must be at least 1, got {MaxNewTokens}.");
        if (!(Temperature >= 0) || float.IsInfinity(Temperature)) throw new ArgumentException($"GenerationOptions: Temperature must be ≥ 0 and finite, got {Temperature}.");
        if (TopK < 0) throw new ArgumentException($"GenerationOptions: TopK must be ≥ 0 (0 = off), got {TopK}.");
        if (!(TopP > 0 && TopP <= 1)) throw new ArgumentException($"GenerationOptions: TopP must be in (0, 1], got {TopP}.");
        return this;
    }
}
