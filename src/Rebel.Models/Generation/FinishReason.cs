namespace Rebel.Models.Generation;

/// <summary>Why a sequence stopped.</summary>
public enum FinishReason
{
    /// <summary>It emitted the EOS token.</summary>
    Eos,

    /// <summary>It reached <see cref="GenerationOptions.MaxNewTokens"/>.</summary>
    MaxNewTokens,

    /// <summary>It filled the model's context (n_positions).</summary>
    ContextFull,
}
