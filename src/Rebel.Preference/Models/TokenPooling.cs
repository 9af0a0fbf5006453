namespace Rebel.Preference.Models;

/// <summary>How <see cref="TransformerCompletionEncoder"/> turns the final hidden states of a sequence into one vector.</summary>
public enum TokenPooling
{
    /// <summary>h = the final hidden state (after the last norm) at the last token of prompt + completion (+ EOS). Config name <c>last</c>.</summary>
    LastToken,

    /// <summary>h = the mean of the final hidden states over every token of prompt + completion (+ EOS). Config name <c>mean</c>.</summary>
    Mean,
}
