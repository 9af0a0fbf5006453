using Rebel.Models.Prompts;

namespace Rebel.Models.Data;

/// <summary>
/// Prompt datasets: one prompt per record in the <c>prompt</c> column (or the column a <see cref="ColumnMapping"/>
/// names), plain text (<c>{"prompt": "..."}</c>) or a conversation (<c>{"prompt": [{"role": "user", "content": "..."}]}</c>);
/// other columns are ignored. Any dataset location <see cref="DatasetReader"/> reads: JSON Lines or Parquet, a file,
/// a folder or a glob.
/// </summary>
public static class PromptFile
{
    /// <summary>All prompts, in file order.</summary>
    /// <exception cref="DataFormatException">A record without a usable prompt (file, line or row, and column named), or no records at all.</exception>
    public static List<Prompt> Read(string location, ColumnMapping? columns = null) =>
        ReadRows(location, columns).Select(r => r.Prompt).ToList();

    /// <summary>
    /// All prompts as the model reads them: plain text unchanged, conversations rendered by <paramref name="renderer"/>
    /// (null: a conversation is an error).
    /// </summary>
    /// <exception cref="DataFormatException">As <see cref="Read"/>, or a conversation the renderer refuses.</exception>
    public static List<string> ReadRendered(string location, IPromptRenderer? renderer, ColumnMapping? columns = null)
    {
        string column = (columns ?? ColumnMapping.Default).Prompt;
        return ReadRows(location, columns).Select(r => r.Row.Render(column, r.Prompt, renderer)).ToList();
    }

    /// <summary>
    /// As <see cref="ReadRendered"/>, each prompt with its 1-based line (JSON Lines) or row (Parquet) number, for
    /// messages that point at it.
    /// </summary>
    /// <exception cref="DataFormatException">As <see cref="ReadRendered"/>.</exception>
    public static List<(int Line, string Prompt)> ReadNumbered(string location, IPromptRenderer? renderer = null, ColumnMapping? columns = null)
    {
        string column = (columns ?? ColumnMapping.Default).Prompt;
        return ReadRows(location, columns).Select(r => (r.Row.Number, r.Row.Render(column, r.Prompt, renderer))).ToList();
    }

    private static List<(DatasetRow Row, Prompt Prompt)> ReadRows(string location, ColumnMapping? columns)
    {
        string column = (columns ?? ColumnMapping.Default).Validate().Prompt;
        var prompts = DatasetReader.Read(location).Select(r => (r, r.RequirePrompt(column))).ToList();
        if (prompts.Count == 0) throw new DataFormatException(location, 0, "the dataset holds no prompts");
        return prompts;
    }

    /// <summary>
    /// Refuses, naming file and line, the first prompt whose <paramref name="countTokens"/> is at least
    /// <paramref name="contextLength"/>: it would leave a model no room to generate (checked when the prompts are loaded,
    /// not at whatever iteration first samples them).
    /// </summary>
    /// <exception cref="DataFormatException">A prompt is too long for the context.</exception>
    public static void CheckFits(string path, IEnumerable<(int Line, string Prompt)> prompts, Func<string, int> countTokens, int contextLength, string model)
    {
        ArgumentNullException.ThrowIfNull(countTokens);
        foreach (var (line, prompt) in prompts)
        {
            int tokens = countTokens(prompt);
            if (tokens >= contextLength)
                throw new DataFormatException(path, line,
                    $"the prompt is {tokens} tokens long, which leaves no room to generate in the {contextLength}-token context of {model}; shorten it or remove the line");
        }
    }
}
