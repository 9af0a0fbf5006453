using System.Globalization;
using System.Text.Json;
using Rebel.Models.Chat;
using Rebel.Models.Prompts;

namespace Rebel.Models.Data;

/// <summary>
/// One record of a dataset, whatever file it came from: a JSON Lines line, or a Parquet row converted to the same
/// JSON shape (strings, numbers, lists, structs as objects; a null cell is an absent key). The typed readers read
/// fields through it, so a problem names the file, the line or row, and the field or column.
/// </summary>
/// <param name="Path">The file the record came from.</param>
/// <param name="Number">1-based line (JSON Lines) or row (Parquet, counted over the file's row groups).</param>
/// <param name="IsRow">True for a Parquet row, false for a text line.</param>
/// <param name="Value">The record as a JSON object.</param>
public readonly record struct DatasetRow(string Path, int Number, bool IsRow, JsonElement Value)
{
    /// <summary>How messages name a column: <c>field "x"</c> in JSON Lines, <c>column "x"</c> in Parquet.</summary>
    public string Name(string column) => IsRow ? $"column \"{column}\"" : $"field \"{column}\"";

    /// <summary>An error at this record, naming <paramref name="column"/> when given.</summary>
    public DataFormatException Error(string? column, string problem) =>
        DataFormatException.At(Path, Number, IsRow, column, problem);

    /// <summary>True when the record has <paramref name="column"/> with a non-null value.</summary>
    public bool Has(string column) => Value.TryGetProperty(column, out var v) && v.ValueKind != JsonValueKind.Null;

    /// <summary>The value of a required column, or an error naming it when it is absent or null.</summary>
    public JsonElement Require(string column)
    {
        if (!Value.TryGetProperty(column, out var v)) throw Error(column, $"missing {Name(column)}");
        if (v.ValueKind == JsonValueKind.Null) throw Error(column, $"{Name(column)} is null");
        return v;
    }

    /// <summary>A required string column (may be empty).</summary>
    public string RequireString(string column)
    {
        var v = Require(column);
        return v.ValueKind == JsonValueKind.String ? v.GetString()! : throw Error(column, $"{Name(column)} must be a string, found {v.ValueKind}");
    }

    /// <summary>A required probability in [0, 1].</summary>
    public double RequireProbability(string column)
    {
        var v = Require(column);
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out double p))
            throw Error(column, $"{Name(column)} must be a number, found {v.ValueKind}");
        if (!(p >= 0.0 && p <= 1.0))
            throw Error(column, $"{Name(column)} = {p.ToString("R", CultureInfo.InvariantCulture)} is not a probability in [0, 1]");
        return p;
    }

    /// <summary>
    /// A required conversation: a non-empty list of <c>{"role", "content"}</c> objects whose role is system, user or
    /// assistant and whose content is a string (other keys of a message are ignored).
    /// </summary>
    public List<ChatMessage> RequireMessages(string column)
    {
        var v = Require(column);
        if (v.ValueKind != JsonValueKind.Array) throw Error(column, $"{Name(column)} must be a list of messages, found {v.ValueKind}");
        var messages = new List<ChatMessage>();
        foreach (var m in v.EnumerateArray())
        {
            string at = $"{Name(column)} message {messages.Count + 1}";
            if (m.ValueKind != JsonValueKind.Object) throw Error(column, $"{at} must be an object with \"role\" and \"content\", found {m.ValueKind}");
            if (!m.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String)
                throw Error(column, $"{at} has no string \"role\"");
            if (!ChatMessage.IsKnownRole(role.GetString()))
                throw Error(column, $"{at} has role \"{role.GetString()}\"; only \"system\", \"user\" and \"assistant\" are read");
            if (!m.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String)
                throw Error(column, $"{at} has no string \"content\" (content given as a list of parts is not read)");
            messages.Add(new ChatMessage(role.GetString()!, content.GetString()!));
        }
        if (messages.Count == 0) throw Error(column, $"{Name(column)} is an empty conversation");
        return messages;
    }

    /// <summary>A required prompt: a string (plain text, may be empty) or a conversation not ending with an assistant turn.</summary>
    public Prompt RequirePrompt(string column)
    {
        var v = Require(column);
        if (v.ValueKind == JsonValueKind.String) return Prompt.FromText(v.GetString()!);
        if (v.ValueKind != JsonValueKind.Array)
            throw Error(column, $"{Name(column)} must be a string or a list of messages, found {v.ValueKind}");
        return ConversationPrompt(column, RequireMessages(column));
    }

    /// <summary>A conversation as a prompt, or an error naming <paramref name="column"/> when it ends with an assistant turn.</summary>
    public Prompt ConversationPrompt(string column, IEnumerable<ChatMessage> messages)
    {
        try
        {
            return Prompt.FromMessages(messages);
        }
        catch (ArgumentException e)
        {
            throw Error(column, $"{Name(column)}: {e.Message.Split(" (Parameter")[0]}");
        }
    }

    /// <summary>
    /// A required, non-empty completion: a string, or (conversational format) a list of exactly one assistant message,
    /// whose content is the completion.
    /// </summary>
    public string RequireCompletion(string column)
    {
        var v = Require(column);
        string text;
        if (v.ValueKind == JsonValueKind.String) text = v.GetString()!;
        else if (v.ValueKind == JsonValueKind.Array) text = AssistantReply(column, RequireMessages(column));
        else throw Error(column, $"{Name(column)} must be a string or a list of one assistant message, found {v.ValueKind}");
        if (text.Length == 0) throw Error(column, $"{Name(column)} is an empty completion");
        return text;
    }

    /// <summary>The content of a completion given as messages: exactly one assistant message.</summary>
    public string AssistantReply(string column, IReadOnlyList<ChatMessage> messages)
    {
        if (messages.Count != 1 || messages[0].Role != ChatMessage.AssistantRole)
            throw Error(column, $"{Name(column)} must hold exactly one assistant message as the completion, found {messages.Count} message(s) ({string.Join(", ", messages.Select(m => m.Role))})");
        return messages[0].Content;
    }

    /// <summary>
    /// The text the model reads for <paramref name="prompt"/> (read from <paramref name="column"/>); a conversation the
    /// renderer refuses, or any conversation when <paramref name="renderer"/> is null, is an error at this record.
    /// </summary>
    public string Render(string column, Prompt prompt, IPromptRenderer? renderer)
    {
        if (!prompt.IsConversation) return prompt.Text!;
        if (renderer is null)
            throw Error(column, $"{Name(column)} is a conversation, but nothing here renders conversations (no model, so no chat template)");
        try
        {
            return renderer.Render(prompt);
        }
        catch (ArgumentException e)
        {
            throw Error(column, $"{Name(column)}: {e.Message}");
        }
    }
}
