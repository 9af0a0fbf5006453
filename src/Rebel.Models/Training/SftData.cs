using Rebel.Models.Data;
using Rebel.Models.Scoring;
using Rebel.Models.Tokenization;

namespace Rebel.Models.Training;

/// <summary>Reads SFT JSON Lines, <c>{"prompt": "...", "completion": "..."}</c>, into token-id pairs.</summary>
public static class SftData
{
    /// <summary>
    /// Encodes every line: prompt ids (an empty prompt becomes the EOS id, GPT-2's BOS) and completion ids followed by
    /// EOS, so the model learns to stop.
    /// </summary>
    /// <exception cref="DataFormatException">A line without the two strings, or an empty completion; names file and line.</exception>
    /// <exception cref="ArgumentException">The tokenizer has no EOS token.</exception>
    public static List<PromptCompletion> Read(string path, ITokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        int eos = tokenizer.EosId ?? throw new ArgumentException("SFT needs a tokenizer with an EOS token.", nameof(tokenizer));
        var examples = new List<PromptCompletion>();
        foreach (var record in JsonLines.Read(path))
        {
            var prompt = tokenizer.Encode(record.RequireString(path, "prompt"));
            var completionText = record.RequireString(path, "completion");
            if (completionText.Length == 0) throw new DataFormatException(path, record.Line, "field \"completion\" is empty");
            if (prompt.Length == 0) prompt = [eos];
            examples.Add(new PromptCompletion(prompt, [.. tokenizer.Encode(completionText), eos]));
        }
        if (examples.Count == 0) throw new DataFormatException(path, 0, "no examples");
        return examples;
    }

    /// <summary>The prompt and completion texts of every line, e.g. to train a tokenizer on.</summary>
    public static IEnumerable<string> Texts(string path)
    {
        foreach (var record in JsonLines.Read(path))
        {
            yield return record.RequireString(path, "prompt");
            yield return record.RequireString(path, "completion");
        }
    }
}
