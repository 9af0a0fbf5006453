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

    private static List<(DatasetRow Row, Prompt Prompt)> ReadRows(string location, ColumnMapping? columns)
    {
        string column = (columns ?? ColumnMapping.Default).Validate().Prompt;
        var prompts = DatasetReader.Read(location).Select(r => (r, r.RequirePrompt(column))).ToList();
        if (prompts.Count == 0) throw new DataFormatException(location, 0, "the dataset holds no prompts");
        return prompts;
    }
}
