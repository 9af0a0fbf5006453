using Rebel.Models.Data;
using Rebel.Models.Gpt2;
using Rebel.Models.Prompts;

namespace Rebel.SelfPlay.Pipeline;

/// <summary>
/// How the commands read prompts: a prompt dataset (plain text or conversations, JSON Lines or Parquet) becomes the
/// texts the models read. Plain-text prompts are passed on unchanged, and the model's renderer is only looked up
/// when a conversation needs it; conversations are rendered with the model's chat format (see
/// <see cref="PromptRenderer.ForModel"/>).
/// </summary>
public static class PromptInput
{
    /// <summary>The renderer of a model directory or trainer checkpoint folder (its <c>model/</c> subfolder).</summary>
    /// <exception cref="ArgumentException">The folder has no tokenizer.</exception>
    public static IPromptRenderer RendererOf(string modelDirectory)
    {
        string dir = ModelFolder(modelDirectory);
        var tokenizer = Rebel.Models.ModelFolder.LoadTokenizer(dir) ?? throw new ArgumentException($"{dir}: the model directory has no tokenizer files, so it cannot read conversations");
        return PromptRenderer.ForModel(dir, tokenizer);
    }

    /// <summary>
    /// The one renderer for players that must see the same prompt text (a tournament, a win-rate evaluation): the
    /// ChatML fallback refusing every model's special tokens when no model has a template of its own. With no model
    /// among the players (completion files only), ChatML: completion files are matched on the rendered text.
    /// </summary>
    /// <exception cref="ArgumentException">The models render conversations differently.</exception>
    public static IPromptRenderer SharedRenderer(IEnumerable<string> playerPaths)
    {
        var models = playerPaths.Where(Directory.Exists).ToList();
        var renderers = models.Select(RendererOf).ToList();
        if (renderers.All(r => r is ChatMlPromptRenderer))
            return new ChatMlPromptRenderer(models.SelectMany(m => Rebel.Models.ModelFolder.LoadTokenizer(ModelFolder(m))?.SpecialTokens.Keys ?? []));
        var names = renderers.Select(r => r.Name).Distinct().ToList();
        if (names.Count > 1)
            throw new ArgumentException($"the players render conversations differently ({string.Join(", ", names)}), so they would not see the same prompts; give plain-text prompts");
        return renderers[0];
    }

    /// <summary>
    /// The prompts of <paramref name="location"/> as the model reads them; <paramref name="renderer"/> is called only when
    /// the dataset holds a conversation.
    /// </summary>
    /// <exception cref="DataFormatException">A bad record or no prompts, or a conversation the renderer refuses (file, row and column named).</exception>
    public static List<string> Read(string location, ColumnMapping columns, Func<IPromptRenderer> renderer) =>
        [.. ReadNumbered(location, columns, renderer).Select(p => p.Prompt)];

    /// <summary>As <see cref="Read"/>, each prompt with its 1-based line (JSON Lines) or row (Parquet) number.</summary>
    /// <exception cref="DataFormatException">As <see cref="Read"/>.</exception>
    public static List<(int Line, string Prompt)> ReadNumbered(string location, ColumnMapping columns, Func<IPromptRenderer> renderer)
    {
        bool conversations = PromptFile.Read(location, columns).Any(p => p.IsConversation);
        return PromptFile.ReadNumbered(location, conversations ? renderer() : null, columns);
    }

    /// <summary>
    /// <paramref name="judge"/>, seeing the conversations behind rendered prompts (<see cref="Rebel.Judges.Composite.ConversationJudge"/>)
    /// when <paramref name="renderer"/> rendered any; plain-text prompts pass unchanged. Disposing the result leaves
    /// <paramref name="judge"/> open.
    /// </summary>
    public static Rebel.Judges.IPairwiseJudge ShowingConversations(Rebel.Judges.IPairwiseJudge judge, Lazy<IPromptRenderer> renderer) =>
        new Rebel.Judges.Composite.ConversationJudge(judge, renderer.IsValueCreated ? renderer.Value.ConversationOf : _ => null);

    private static string ModelFolder(string path) => Directory.Exists(Path.Combine(path, "model")) ? Path.Combine(path, "model") : path;
}
