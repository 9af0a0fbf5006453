namespace Rebel.Models.Chat.Jinja;

// The syntax tree of a parsed template. Every node keeps the source offset of its first token (for errors).

internal abstract record JinjaNode(int Index);

// ---- statements ----

internal sealed record TextNode(int Index, string Text) : JinjaNode(Index);

internal sealed record OutputNode(int Index, JinjaExpr Value) : JinjaNode(Index);

internal sealed record IfBranch(JinjaExpr Condition, IReadOnlyList<JinjaNode> Body);

internal sealed record IfNode(int Index, IReadOnlyList<IfBranch> Branches, IReadOnlyList<JinjaNode> Else) : JinjaNode(Index);

/// <summary><c>{% for a[, b] in iterable [if filter] %} body [{% else %} empty] {% endfor %}</c>.</summary>
internal sealed record ForNode(int Index, IReadOnlyList<string> Targets, JinjaExpr Iterable, JinjaExpr? Filter,
    IReadOnlyList<JinjaNode> Body, IReadOnlyList<JinjaNode> Else) : JinjaNode(Index);

/// <summary><c>{% set name = value %}</c>, <c>{% set a, b = value %}</c> or <c>{% set ns.attr = value %}</c>
/// (then <see cref="Namespace"/> is the object expression and <see cref="Targets"/> holds the one attribute).</summary>
internal sealed record SetNode(int Index, JinjaExpr? Namespace, IReadOnlyList<string> Targets, JinjaExpr Value) : JinjaNode(Index);

internal sealed record BreakNode(int Index) : JinjaNode(Index);

internal sealed record ContinueNode(int Index) : JinjaNode(Index);

// ---- expressions ----

internal abstract record JinjaExpr(int Index) : JinjaNode(Index);

/// <summary>A literal: a <see cref="JinjaString"/>, long, double, bool or null (none).</summary>
internal sealed record LiteralExpr(int Index, object? Value) : JinjaExpr(Index);

internal sealed record NameExpr(int Index, string Name) : JinjaExpr(Index);

internal sealed record ListExpr(int Index, IReadOnlyList<JinjaExpr> Items, bool IsTuple) : JinjaExpr(Index);

internal sealed record DictExpr(int Index, IReadOnlyList<(JinjaExpr Key, JinjaExpr Value)> Entries) : JinjaExpr(Index);

/// <summary><c>obj.name</c>.</summary>
internal sealed record AttributeExpr(int Index, JinjaExpr Target, string Name) : JinjaExpr(Index);

/// <summary><c>obj[key]</c>.</summary>
internal sealed record ItemExpr(int Index, JinjaExpr Target, JinjaExpr Key) : JinjaExpr(Index);

/// <summary><c>obj[start:stop:step]</c>, each part optional.</summary>
internal sealed record SliceExpr(int Index, JinjaExpr Target, JinjaExpr? Start, JinjaExpr? Stop, JinjaExpr? Step) : JinjaExpr(Index);

/// <summary>Positional and keyword arguments of a call, filter or test.</summary>
internal sealed record JinjaArguments(IReadOnlyList<JinjaExpr> Positional, IReadOnlyList<(string Name, JinjaExpr Value)> Keyword)
{
    public static readonly JinjaArguments None = new([], []);
}

internal sealed record CallExpr(int Index, JinjaExpr Callee, JinjaArguments Arguments) : JinjaExpr(Index);

/// <summary><c>value | name(args)</c>.</summary>
internal sealed record FilterExpr(int Index, JinjaExpr Value, string Name, JinjaArguments Arguments) : JinjaExpr(Index);

/// <summary><c>value is [not] name(args)</c>.</summary>
internal sealed record TestExpr(int Index, JinjaExpr Value, string Name, JinjaArguments Arguments, bool Negated) : JinjaExpr(Index);

/// <summary>Arithmetic and string operators: <c>+ - * / // % ** ~</c>.</summary>
internal sealed record BinaryExpr(int Index, string Operator, JinjaExpr Left, JinjaExpr Right) : JinjaExpr(Index);

/// <summary><c>and</c> / <c>or</c>, which short-circuit and return an operand, as in Python.</summary>
internal sealed record LogicalExpr(int Index, bool IsAnd, JinjaExpr Left, JinjaExpr Right) : JinjaExpr(Index);

internal sealed record NotExpr(int Index, JinjaExpr Operand) : JinjaExpr(Index);

internal sealed record NegateExpr(int Index, JinjaExpr Operand, bool Minus) : JinjaExpr(Index);

/// <summary>A comparison chain <c>a op1 b op2 c</c>; operators <c>== != &lt; &gt; &lt;= &gt;= in not-in</c>.</summary>
internal sealed record CompareExpr(int Index, JinjaExpr First, IReadOnlyList<(string Operator, JinjaExpr Operand)> Rest) : JinjaExpr(Index);

/// <summary><c>a if condition else b</c> (without <c>else</c>, undefined when false).</summary>
internal sealed record ConditionalExpr(int Index, JinjaExpr Condition, JinjaExpr WhenTrue, JinjaExpr? WhenFalse) : JinjaExpr(Index);
