namespace Rebel.Models.Data;

/// <summary>Prompt files: JSON Lines with one <c>{"prompt": "..."}</c> object per line (other fields are ignored).</summary>
public static class PromptFile
{
    /// <summary>All prompts of <paramref name="path"/>, in file order; a line without a string "prompt" is an error naming file and line.</summary>
    public static List<string> Read(string path)
    {
        var prompts = JsonLines.Read(path).Select(r => r.RequireString(path, "prompt")).ToList();
        if (prompts.Count == 0) throw new DataFormatException(path, 0, "the file holds no prompts");
        return prompts;
    }
}
