namespace Rebel.Models.Chat.Jinja;

/// <summary>Kinds of template tokens: raw text, tag delimiters, and the expression tokens inside tags.</summary>
internal enum JinjaTokenKind
{
    Text,
    VariableStart,
    VariableEnd,
    BlockStart,
    BlockEnd,
    Name,
    String,
    Integer,
    Float,
    Operator,
    EndOfInput,
}

/// <summary>One token; <see cref="Index"/> is its offset in the template source (for error locations).</summary>
internal readonly record struct JinjaToken(JinjaTokenKind Kind, string Value, int Index)
{
    public bool Is(JinjaTokenKind kind, string value) => Kind == kind && Value == value;

    public bool IsOperator(string op) => Kind == JinjaTokenKind.Operator && Value == op;

    public bool IsName(string name) => Kind == JinjaTokenKind.Name && Value == name;

    public override string ToString() => Kind switch
    {
        JinjaTokenKind.EndOfInput => "end of template",
        JinjaTokenKind.Text => "text",
        JinjaTokenKind.VariableStart => "'{{'",
        JinjaTokenKind.VariableEnd => "'}}'",
        JinjaTokenKind.BlockStart => "'{%'",
        JinjaTokenKind.BlockEnd => "'%}'",
        JinjaTokenKind.String => $"string '{Value}'",
        _ => $"'{Value}'",
    };
}
