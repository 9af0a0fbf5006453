using Rebel.Models.Data;
using Rebel.Models;
using Rebel.Models.Prompts;

namespace Rebel.SelfPlay.Pipeline;

/// <summary>
/// Checks a <c>rebel train</c> run's prompt files against its model before any sampling: a prompt that fills the
/// model's context (<c>n_positions</c>) is refused naming its file and line, instead of failing at whatever
/// iteration first samples it.
/// </summary>
internal static class PromptFits
{
    /// <summary>Checks the training and held-out prompts of <paramref name="config"/> against the model in <paramref name="modelDirectory"/>.</summary>
    /// <exception cref="DataFormatException">A prompt is too long; the message names the file and line.</exception>
    public static void Check(TrainConfig config, string modelDirectory, ColumnMapping columns, Func<IPromptRenderer> renderer)
    {
        var tokenizer = ModelFolder.LoadTokenizer(modelDirectory);
        if (tokenizer is null) return; // the policy load fails on this with its own message
        int context = ModelFolder.ContextLength(modelDirectory);
        IPromptRenderer? used = null;                     // only asked for when a file holds conversations
        IPromptRenderer Used() => used ??= renderer();
        foreach (var path in new[] { config.Prompts, config.EvalPrompts }.OfType<string>().Distinct())
            PromptFile.CheckFits(path, PromptInput.ReadNumbered(path, columns, Used),
                p => (used?.Encode(tokenizer, p) ?? tokenizer.Encode(p)).Length, context, modelDirectory);
    }
}
