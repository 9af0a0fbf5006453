namespace Rebel.Models.Data;

/// <summary>Prompt files: JSON Lines with one <c>{"prompt": "..."}</c> object per line (other fields are ignored).</summary>
public static class PromptFile
{
    /// <summary>All prompts of <paramref name="path"/>, in file order; a line without a string "prompt" is an error naming file and line.</summary>
    public static List<string> Read(string path) => ReadNumbered(path).Select(p => p.Prompt).ToList();

    /// <summary>All prompts of <paramref name="path"/> with their 1-based line numbers, in file order.</summary>
    /// <exception cref="DataFormatException">A line without a string "prompt", or no prompt at all.</exception>
    public static List<(int Line, string Prompt)> ReadNumbered(string path)
    {
        var prompts = JsonLines.Read(path).Select(r => (r.Line, r.RequireString(path, "prompt"))).ToList();
        if (prompts.Count == 0) throw new DataFormatException(path, 0, "the file holds no prompts");
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
