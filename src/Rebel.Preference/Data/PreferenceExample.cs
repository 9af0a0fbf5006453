using Rebel.Models.Prompts;

namespace Rebel.Preference.Data;

/// <summary>
/// One labelled comparison as a dataset holds it, before the prompt is rendered for a model: for prompt x (text or
/// conversation), p = P(a ≻ b | x). <see cref="ToRecord"/> turns it into the <see cref="PreferenceRecord"/> the
/// trainers use, whose prompt is the text the model reads.
/// </summary>
public sealed record PreferenceExample
{
    /// <summary>Creates an example; completions must be non-empty and p a probability.</summary>
    /// <exception cref="ArgumentException">An empty completion, or p outside [0, 1] (or NaN).</exception>
    public PreferenceExample(Prompt prompt, string a, string b, double p)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        PreferenceRecord.CheckLabel(a, b, p);
        Prompt = prompt;
        A = a;
        B = b;
        P = p;
    }

    /// <summary>The prompt x.</summary>
    public Prompt Prompt { get; }

    /// <summary>The first completion y (for a hard label, the chosen one; for a conversation, the assistant's reply).</summary>
    public string A { get; }

    /// <summary>The second completion y′ (for a hard label, the rejected one).</summary>
    public string B { get; }

    /// <summary>P(a ≻ b | x) ∈ [0, 1]; 1 for a hard label.</summary>
    public double P { get; }

    /// <summary>The record with its prompt as <paramref name="renderer"/> renders it (plain text unchanged).</summary>
    /// <exception cref="ArgumentException">The renderer refuses the conversation.</exception>
    public PreferenceRecord ToRecord(IPromptRenderer renderer)
    {
        ArgumentNullException.ThrowIfNull(renderer);
        return new PreferenceRecord(renderer.Render(Prompt), A, B, P);
    }
}
