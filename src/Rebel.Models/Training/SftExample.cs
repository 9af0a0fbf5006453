using Rebel.Models.Prompts;

namespace Rebel.Models.Training;

/// <summary>One supervised example: the prompt x (text or conversation) and the completion y the model should write.</summary>
/// <param name="Prompt">The prompt.</param>
/// <param name="Completion">The completion text (the assistant's reply for a conversation); never empty.</param>
public sealed record SftExample(Prompt Prompt, string Completion);
