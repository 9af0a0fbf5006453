namespace Rebel.Models.Data;

/// <summary>
/// Which column holds each field the dataset readers look for, so a dataset whose columns have other names is read
/// without rewriting it. Each property's default is TRL's name; <see cref="Parse"/> reads
/// <c>prompt=question,chosen=response_a</c> (the fields not named keep their default).
/// </summary>
public sealed record ColumnMapping
{
    /// <summary>TRL's names: prompt, completion, messages, chosen, rejected, and the soft-label a, b, p.</summary>
    public static ColumnMapping Default { get; } = new();

    /// <summary>The prompt x: text or messages. Default <c>prompt</c>.</summary>
    public string Prompt { get; init; } = "prompt";

    /// <summary>The SFT completion: text or one assistant message. Default <c>completion</c>.</summary>
    public string Completion { get; init; } = "completion";

    /// <summary>A whole SFT conversation whose last message is the assistant's reply. Default <c>messages</c>.</summary>
    public string Messages { get; init; } = "messages";

    /// <summary>The preferred completion y_w. Default <c>chosen</c>.</summary>
    public string Chosen { get; init; } = "chosen";

    /// <summary>The dispreferred completion y_l. Default <c>rejected</c>.</summary>
    public string Rejected { get; init; } = "rejected";

    /// <summary>Soft label: the first completion a. Default <c>a</c>.</summary>
    public string A { get; init; } = "a";

    /// <summary>Soft label: the second completion b. Default <c>b</c>.</summary>
    public string B { get; init; } = "b";

    /// <summary>Soft label: p = P(a ≻ b). Default <c>p</c>.</summary>
    public string P { get; init; } = "p";

    /// <summary>True when every field has its default name.</summary>
    public bool IsDefault => Equals(Default);

    private IEnumerable<(string Field, string Column)> Pairs() =>
    [
        ("prompt", Prompt), ("completion", Completion), ("messages", Messages), ("chosen", Chosen),
        ("rejected", Rejected), ("a", A), ("b", B), ("p", P),
    ];

    /// <summary>The field names a mapping may rename.</summary>
    public static IReadOnlyList<string> Fields { get; } = [.. Default.Pairs().Select(p => p.Field)];

    /// <summary>Checks that every column name is non-blank and that no two fields read the same column.</summary>
    /// <exception cref="ArgumentException">The values involved are named.</exception>
    public ColumnMapping Validate()
    {
        var pairs = Pairs().ToList();
        foreach (var (field, column) in pairs)
            if (string.IsNullOrWhiteSpace(column)) throw new ArgumentException($"column mapping: the column for \"{field}\" is blank");
        foreach (var group in pairs.GroupBy(p => p.Column, StringComparer.Ordinal).Where(g => g.Count() > 1))
            throw new ArgumentException($"column mapping: {string.Join(" and ", group.Select(p => $"\"{p.Field}\""))} both read column \"{group.Key}\"");
        return this;
    }

    /// <summary>A mapping from field → column pairs (unnamed fields keep their default), validated.</summary>
    /// <exception cref="ArgumentException">An unknown field, or an invalid mapping.</exception>
    public static ColumnMapping From(IEnumerable<KeyValuePair<string, string>> renames)
    {
        ArgumentNullException.ThrowIfNull(renames);
        var mapping = Default;
        foreach (var (field, column) in renames)
            mapping = field switch
            {
                "prompt" => mapping with { Prompt = column },
                "completion" => mapping with { Completion = column },
                "messages" => mapping with { Messages = column },
                "chosen" => mapping with { Chosen = column },
                "rejected" => mapping with { Rejected = column },
                "a" => mapping with { A = column },
                "b" => mapping with { B = column },
                "p" => mapping with { P = column },
                _ => throw new ArgumentException($"column mapping: unknown field \"{field}\" (known: {string.Join(", ", Fields)})"),
            };
        return mapping.Validate();
    }

    /// <summary>Parses <c>FIELD=COLUMN[,FIELD=COLUMN...]</c>, e.g. <c>prompt=question,chosen=good,rejected=bad</c>; empty text is the default.</summary>
    /// <exception cref="ArgumentException">A malformed pair, an unknown or repeated field, or an invalid mapping.</exception>
    public static ColumnMapping Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return Default;
        var renames = new List<KeyValuePair<string, string>>();
        foreach (var part in text.Split(','))
        {
            int eq = part.IndexOf('=');
            if (eq <= 0) throw new ArgumentException($"column mapping: \"{part}\" is not FIELD=COLUMN");
            string field = part[..eq].Trim();
            if (renames.Any(r => r.Key == field)) throw new ArgumentException($"column mapping: field \"{field}\" is named twice");
            renames.Add(new(field, part[(eq + 1)..].Trim()));
        }
        return From(renames);
    }

    /// <summary>The renamed fields as <c>FIELD=COLUMN</c> pairs (empty for the default mapping).</summary>
    public override string ToString() =>
        string.Join(",", Pairs().Zip(Default.Pairs()).Where(p => p.First.Column != p.Second.Column).Select(p => $"{p.First.Field}={p.First.Column}"));
}
