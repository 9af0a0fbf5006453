using System.Text.Json;
using Rebel.Models.Chat;
using Rebel.Models.Data;
using Rebel.Models.Prompts;

namespace Rebel.Preference.Data;

/// <summary>
/// Reads preference datasets (JSON Lines or Parquet; a file, a folder or a glob: see <see cref="DatasetReader"/>) and
/// writes them as JSON Lines. A record is one of:
/// <list type="bullet">
/// <item>TRL standard: <c>{"prompt": "...", "chosen": "...", "rejected": "..."}</c> (hard label: p = P(chosen ≻ rejected) = 1);</item>
/// <item>TRL conversational: <c>"prompt"</c> a list of messages, <c>"chosen"</c>/<c>"rejected"</c> each a list of one assistant message;</item>
/// <item>TRL implicit prompt: no <c>"prompt"</c>, <c>"chosen"</c> and <c>"rejected"</c> whole conversations that share their
/// first messages: the shared messages are the prompt, and each side's one remaining assistant message its completion;</item>
/// <item>soft label: <c>{"prompt": ..., "a": ..., "b": ..., "p": 0.7}</c> with p = P(a ≻ b), a and b text or one assistant message.</item>
/// </list>
/// Other columns are ignored; a <see cref="ColumnMapping"/> renames the ones read.
/// </summary>
/// <remarks>
/// Reading streams the records; the first bad one raises <see cref="DataFormatException"/> naming the file, the line or
/// row, the column and what is wrong: a missing column, a value of the wrong type, p outside [0, 1], an empty
/// completion, a record that mixes the chosen/rejected and a/b/p shapes, an implicit prompt given as text (it is read
/// only from conversations) or whose conversations share nothing or differ in more than their last message. A dataset
/// with no records is an error too, raised once the last file is read. The prompt may be empty text; completions may not.
/// </remarks>
public static class PreferenceDataset
{
    /// <summary>
    /// Streams the records, their prompts as the model reads them: plain text unchanged, a conversation rendered by
    /// <paramref name="renderer"/> (null: a conversation is an error naming the record).
    /// </summary>
    /// <exception cref="FileNotFoundException">Nothing is at <paramref name="location"/> (thrown at once).</exception>
    /// <exception cref="DataFormatException">A malformed record, or none at all.</exception>
    public static IEnumerable<PreferenceRecord> Read(string location, IPromptRenderer? renderer = null, ColumnMapping? columns = null)
    {
        var c = (columns ?? ColumnMapping.Default).Validate();
        return Rows(location, c).Select(r => new PreferenceRecord(r.Row.Render(r.PromptColumn, r.Example.Prompt, renderer), r.Example.A, r.Example.B, r.Example.P));
    }

    /// <summary>Streams the examples as the dataset holds them (prompts as text or messages).</summary>
    /// <exception cref="FileNotFoundException">Nothing is at <paramref name="location"/> (thrown at once).</exception>
    /// <exception cref="DataFormatException">A malformed record, or none at all.</exception>
    public static IEnumerable<PreferenceExample> ReadExamples(string location, ColumnMapping? columns = null)
    {
        var c = (columns ?? ColumnMapping.Default).Validate();
        return Rows(location, c).Select(r => r.Example);
    }

    private static IEnumerable<(DatasetRow Row, string PromptColumn, PreferenceExample Example)> Rows(string location, ColumnMapping c)
    {
        var rows = DatasetReader.Read(location); // resolves the files (and throws for a missing one) now
        return NonEmpty(location, rows.Select(row => Parse(row, c)));
    }

    private static IEnumerable<T> NonEmpty<T>(string location, IEnumerable<T> items)
    {
        bool any = false;
        foreach (var item in items)
        {
            any = true;
            yield return item;
        }
        if (!any) throw new DataFormatException(location, 0, "the dataset holds no preference records");
    }

    /// <summary>One record in any of the shapes of the type's summary, as an example.</summary>
    /// <exception cref="DataFormatException">The record is in none of them (file, line or row, and column named).</exception>
    public static PreferenceExample ParseRecord(DatasetRow row, ColumnMapping columns) =>
        Parse(row, (columns ?? throw new ArgumentNullException(nameof(columns))).Validate()).Example;

    /// <summary>Parses one record (see the type's summary for the accepted shapes).</summary>
    internal static (DatasetRow Row, string PromptColumn, PreferenceExample Example) Parse(DatasetRow row, ColumnMapping c)
    {
        var hard = new[] { c.Chosen, c.Rejected }.Where(row.Has).ToArray();
        var soft = new[] { c.A, c.B, c.P }.Where(row.Has).ToArray();
        if (hard.Length > 0 && soft.Length > 0)
            throw row.Error(null, $"mixes the chosen/rejected shape (has {Quote(hard)}) with the a/b/p shape (has {Quote(soft)})");
        if (hard.Length == 0 && soft.Length == 0)
            throw row.Error(null, $"expected {{\"{c.Prompt}\",\"{c.Chosen}\",\"{c.Rejected}\"}} or {{\"{c.Prompt}\",\"{c.A}\",\"{c.B}\",\"{c.P}\"}}; found neither");

        if (hard.Length > 0)
        {
            if (!row.Has(c.Prompt) && IsConversation(row, c.Chosen) && IsConversation(row, c.Rejected))
                return (row, c.Chosen, ImplicitPrompt(row, c));
            var prompt = RequirePrompt(row, c);
            return (row, c.Prompt, new PreferenceExample(prompt, row.RequireCompletion(c.Chosen), row.RequireCompletion(c.Rejected), 1.0));
        }
        var softPrompt = RequirePrompt(row, c);
        string a = row.RequireCompletion(c.A);
        string b = row.RequireCompletion(c.B);
        return (row, c.Prompt, new PreferenceExample(softPrompt, a, b, row.RequireProbability(c.P)));
    }

    private static Prompt RequirePrompt(DatasetRow row, ColumnMapping c)
    {
        if (!row.Value.TryGetProperty(c.Prompt, out _))
            throw row.Error(c.Prompt, $"missing {row.Name(c.Prompt)} (an implicit prompt is read only when {row.Name(c.Chosen)} and {row.Name(c.Rejected)} are conversations)");
        return row.RequirePrompt(c.Prompt);
    }

    private static bool IsConversation(DatasetRow row, string column) =>
        row.Value.TryGetProperty(column, out var v) && v.ValueKind == JsonValueKind.Array;

    /// <summary>
    /// TRL's implicit prompt: the messages <paramref name="row"/>'s chosen and rejected conversations share from the start
    /// are the prompt; what follows on each side must be one assistant message, the completion.
    /// </summary>
    private static PreferenceExample ImplicitPrompt(DatasetRow row, ColumnMapping c)
    {
        var chosen = row.RequireMessages(c.Chosen);
        var rejected = row.RequireMessages(c.Rejected);
        int shared = 0;
        while (shared < chosen.Count && shared < rejected.Count && chosen[shared] == rejected[shared]) shared++;
        if (shared == 0)
            throw row.Error(c.Chosen, $"implicit prompt: {row.Name(c.Chosen)} and {row.Name(c.Rejected)} share no first message to take as the prompt");
        if (shared == chosen.Count || shared == rejected.Count)
            throw row.Error(c.Chosen, $"implicit prompt: one of {row.Name(c.Chosen)} and {row.Name(c.Rejected)} holds the other whole; each needs its own last reply");
        var prompt = row.ConversationPrompt(c.Chosen, chosen.Take(shared));
        string a = CompletionAfter(row, c.Chosen, chosen, shared);
        string b = CompletionAfter(row, c.Rejected, rejected, shared);
        return new PreferenceExample(prompt, a, b, 1.0);
    }

    private static string CompletionAfter(DatasetRow row, string column, List<ChatMessage> messages, int shared)
    {
        string text = row.AssistantReply(column, messages[shared..]);
        return text.Length > 0 ? text : throw row.Error(column, $"{row.Name(column)} is an empty completion");
    }

    /// <summary>
    /// Writes records atomically (temporary file, then rename) in the soft shape {"prompt","a","b","p"},
    /// which holds hard labels too (p = 1).
    /// </summary>
    public static void Write(string path, IEnumerable<PreferenceRecord> records) =>
        JsonLines.WriteAtomic(path, records.Select(r => new SoftLine(r.Prompt, r.A, r.B, r.P)));

    private sealed record SoftLine(
        [property: System.Text.Json.Serialization.JsonPropertyName("prompt")] string Prompt,
        [property: System.Text.Json.Serialization.JsonPropertyName("a")] string A,
        [property: System.Text.Json.Serialization.JsonPropertyName("b")] string B,
        [property: System.Text.Json.Serialization.JsonPropertyName("p")] double P);

    private static string Quote(IEnumerable<string> fields) => string.Join(", ", fields.Select(f => $"\"{f}\""));
}
