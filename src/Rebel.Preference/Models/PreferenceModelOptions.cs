namespace Rebel.Preference.Models;

/// <summary>
/// What fresh <see cref="NeuralPreferenceModel"/> <see cref="PreferenceModels.Create"/> builds: the head
/// (<see cref="Kind"/>) over a text encoder (<see cref="Encoder"/>). Immutable; <see cref="Validate"/> checks the values together.
/// </summary>
public sealed record PreferenceModelOptions
{
    /// <summary>The head: <c>bt</c>, a Bradley–Terry reward model P(a ≻ b) = σ(r(a) − r(b)) (<see cref="BradleyTerryRewardModel"/>),
    /// or <c>gpm</c>, a general (skew-symmetric) preference model that can hold cycles (<see cref="GeneralPreferenceModel"/>).
    /// Default <c>bt</c>.</summary>
    public string Kind { get; init; } = BradleyTerryRewardModel.KindName;

    /// <summary>The text encoder: <c>features</c> (hashed words and bigrams through an MLP, <see cref="HashedFeatureEncoder"/>)
    /// or <c>transformer:DIR</c> (a Hugging Face-layout GPT-2 or Llama-family directory with its tokenizer, fine-tuned
    /// with the head, <see cref="TransformerCompletionEncoder"/>; <c>gpt2:DIR</c> is the same). Default <c>features</c>.</summary>
    public string Encoder { get; init; } = HashedFeatureEncoder.TypeName;

    /// <summary>Sizes of the <c>features</c> encoder (F buckets, D hidden).</summary>
    public HashedFeatureEncoderOptions Features { get; init; } = new();

    /// <summary>Settings of the <c>transformer:DIR</c> encoder (pooling, most tokens).</summary>
    public TransformerCompletionEncoderOptions Transformer { get; init; } = new();

    /// <summary>k, the number of 2×2 skew-symmetric blocks of a <c>gpm</c> head. Default 4.</summary>
    public int Blocks { get; init; } = 4;

    /// <summary>τ, the temperature of a <c>gpm</c> head. Default 1.</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>The backbone directory of a <c>transformer:DIR</c> (or <c>gpt2:DIR</c>) encoder; null for <c>features</c>.</summary>
    public string? BackboneDirectory =>
        Encoder.StartsWith(Prefix, StringComparison.Ordinal) ? Encoder[Prefix.Length..]
        : Encoder.StartsWith(LegacyPrefix, StringComparison.Ordinal) ? Encoder[LegacyPrefix.Length..] : null;

    private const string Prefix = TransformerCompletionEncoder.TypeName + ":";
    private const string LegacyPrefix = TransformerCompletionEncoder.LegacyTypeName + ":";

    /// <summary>Checks the values together; returns this.</summary>
    /// <exception cref="ArgumentException">An unknown kind or encoder (the valid ones are listed), or an invalid size.</exception>
    public PreferenceModelOptions Validate()
    {
        if (Kind is not (BradleyTerryRewardModel.KindName or GeneralPreferenceModel.KindName))
            throw new ArgumentException($"model type \"{Kind}\" is not known (use {BradleyTerryRewardModel.KindName} or {GeneralPreferenceModel.KindName})");
        if (Encoder != HashedFeatureEncoder.TypeName && BackboneDirectory is not { Length: > 0 })
            throw new ArgumentException($"encoder \"{Encoder}\" is not known (available: {HashedFeatureEncoder.TypeName}, {Prefix}DIR)");
        if (BackboneDirectory is null) Features.Validate();
        else Transformer.Validate();
        return this;                                  // k and τ are checked by the gpm head itself
    }
}
