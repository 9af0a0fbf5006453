using Rebel.Models.Chat;
using Rebel.Models.Data;
using Rebel.Models.Prompts;
using Rebel.Models.Scoring;
using Rebel.Models.Tokenization;

namespace Rebel.Models.Training;

/// <summary>
/// Reads SFT datasets (JSON Lines or Parquet, see <see cref="DatasetReader"/>) in TRL's shapes:
/// <list type="bullet">
/// <item>standard: <c>{"prompt": "...", "completion": "..."}</c>;</item>
/// <item>conversational prompt–completion: <c>{"prompt": [messages], "completion": [{"role": "assistant", "content": "..."}]}</c>;</item>
/// <item>conversational: <c>{"messages": [messages]}</c>, whose last message is the assistant's reply (the completion)
/// and whose earlier messages are the prompt.</item>
/// </list>
/// Column names follow a <see cref="ColumnMapping"/>.
/// </summary>
public static class SftData
{
    /// <summary>Every example, in file order.</summary>
    /// <exception cref="DataFormatException">A record in none of the shapes, or no records (file, line or row, and column named).</exception>
    public static List<SftExample> ReadExamples(string location, ColumnMapping? columns = null) =>
        ReadRows(location, columns).Select(r => r.Example).ToList();

    /// <summary>
    /// Encodes every example: prompt ids (the prompt as <paramref name="renderer"/> renders it; an empty prompt becomes
    /// the EOS id, GPT-2's BOS) and completion ids followed by EOS, so the model learns to stop. Plain-text prompts are
    /// encoded as they are. A conversation's completion is the assistant turn: its prompt's message content and the
    /// reply are plain text (<see cref="IPromptRenderer.Encode"/>), and the reply ends with the renderer's end-of-turn
    /// token (<c>&lt;|eot_id|&gt;</c>, <c>&lt;|im_end|&gt;</c>, …; EOS for the ChatML fallback).
    /// </summary>
    /// <exception cref="DataFormatException">A bad record, or a conversation the renderer refuses; names file, line or row, and column.</exception>
    /// <exception cref="ArgumentException">The tokenizer has no EOS token.</exception>
    public static List<PromptCompletion> Read(string location, ITokenizer tokenizer, IPromptRenderer? renderer, ColumnMapping? columns = null)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        int eos = tokenizer.EosId ?? throw new ArgumentException("SFT needs a tokenizer with an EOS token.", nameof(tokenizer));
        var examples = new List<PromptCompletion>();
        foreach (var (row, column, example) in ReadRows(location, columns))
        {
            var text = row.Render(column, example.Prompt, renderer);
            if (example.Prompt.IsConversation && renderer is not null)
            {
                // the assistant turn: content as plain text, ended by the template's end-of-turn token (EOS without one)
                int end = PromptRenderer.EndOfTurnId(renderer, tokenizer) ?? eos;
                examples.Add(new PromptCompletion(renderer.Encode(tokenizer, text), [.. tokenizer.Encode(example.Completion, allowSpecialTokens: false), end]));
                continue;
            }
            var prompt = tokenizer.Encode(text);
            if (prompt.Length == 0) prompt = [eos];
            examples.Add(new PromptCompletion(prompt, [.. tokenizer.Encode(example.Completion), eos]));
        }
        return examples;
    }

    /// <summary>The prompt (as <paramref name="renderer"/> renders it) and completion texts of every example, e.g. to train a tokenizer on.</summary>
    public static IEnumerable<string> Texts(string location, IPromptRenderer? renderer, ColumnMapping? columns = null)
    {
        foreach (var (row, column, example) in ReadRows(location, columns))
        {
            yield return row.Render(column, example.Prompt, renderer);
            yield return example.Completion;
        }
    }

    /// <summary>Each record with the column its prompt came from (for errors) and its example.</summary>
    private static List<(DatasetRow Row, string PromptColumn, SftExample Example)> ReadRows(string location, ColumnMapping? columns)
    {
        var c = (columns ?? ColumnMapping.Default).Validate();
        var rows = DatasetReader.Read(location).Select(row => Parse(row, c)).ToList();
        if (rows.Count == 0) throw new DataFormatException(location, 0, "the dataset holds no examples");
        return rows;
    }

    /// <summary>One record in any SFT shape: the row, the column its prompt came from, and the example.</summary>
    internal static (DatasetRow Row, string PromptColumn, SftExample Example) Parse(DatasetRow row, ColumnMapping c)
    {
        if (row.Has(c.Messages))
        {
            if (row.Has(c.Prompt) || row.Has(c.Completion))
                throw row.Error(c.Messages, $"has {row.Name(c.Messages)} and also {row.Name(c.Prompt)} or {row.Name(c.Completion)}; give one shape");
            var messages = row.RequireMessages(c.Messages);
            if (messages[^1].Role != ChatMessage.AssistantRole || messages.Count < 2)
                throw row.Error(c.Messages, $"{row.Name(c.Messages)} must end with the assistant's reply after at least one other message");
            if (messages[^1].Content.Length == 0) throw row.Error(c.Messages, $"{row.Name(c.Messages)} ends with an empty assistant reply");
            return (row, c.Messages, new SftExample(row.ConversationPrompt(c.Messages, messages[..^1]), messages[^1].Content));
        }
        if (!row.Has(c.Prompt) && !row.Has(c.Completion))
            throw row.Error(c.Prompt, $"expected {row.Name(c.Prompt)} and {row.Name(c.Completion)}, or {row.Name(c.Messages)}; found none of them");
        var prompt = row.RequirePrompt(c.Prompt);
        return (row, c.Prompt, new SftExample(prompt, row.RequireCompletion(c.Completion)));
    }
}
