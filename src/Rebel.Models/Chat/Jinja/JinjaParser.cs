using System.Globalization;

namespace Rebel.Models.Chat.Jinja;

/// <summary>
/// Parses template tokens into a syntax tree. Statements: <c>if/elif/else</c>, <c>for</c> (with <c>else</c>, a
/// filter <c>if</c>, tuple targets), <c>set</c> (names, tuples, <c>ns.attr</c>), <c>break</c>, <c>continue</c>,
/// <c>generation</c> blocks (rendered as their body). Every other tag is refused with its name and location.
/// </summary>
internal sealed partial class JinjaParser
{
    private static readonly HashSet<string> KnownUnsupportedTags =
    [
        "macro", "call", "filter", "block", "extends", "include", "import", "from", "raw", "with", "autoescape", "do",
        "trans", "pluralize",
    ];

    private readonly JinjaSource _source;
    private readonly List<JinjaToken> _tokens;
    private int _i;
    private int _loopDepth;

    private JinjaParser(JinjaSource source, List<JinjaToken> tokens)
    {
        _source = source;
        _tokens = tokens;
    }

    public static IReadOnlyList<JinjaNode> Parse(JinjaSource source)
    {
        var parser = new JinjaParser(source, JinjaLexer.Tokenize(source));
        var body = parser.ParseBody(out var end);
        if (end is not null)
            throw source.Error(parser.Current.Index, $"'{{% {end} %}}' without a matching opening tag");
        return body;
    }

    private JinjaToken Current => _tokens[_i];

    private JinjaToken Peek(int ahead = 1) => _tokens[Math.Min(_i + ahead, _tokens.Count - 1)];

    private JinjaToken Next() => _tokens[_i++];

    private ChatTemplateException Error(JinjaToken at, string problem) => _source.Error(at.Index, problem);

    private JinjaToken Expect(JinjaTokenKind kind, string? value, string what)
    {
        var t = Current;
        if (t.Kind != kind || (value is not null && t.Value != value))
            throw Error(t, $"expected {what}, found {t}");
        _i++;
        return t;
    }

    private void ExpectOperator(string op) => Expect(JinjaTokenKind.Operator, op, $"'{op}'");

    private void ExpectBlockEnd(string tag) => Expect(JinjaTokenKind.BlockEnd, null, $"'%}}' to close '{{% {tag} %}}'");

    private bool TryOperator(string op)
    {
        if (!Current.IsOperator(op)) return false;
        _i++;
        return true;
    }

    private bool TryName(string name)
    {
        if (!Current.IsName(name)) return false;
        _i++;
        return true;
    }

    /// <summary>Parses nodes until end of input or a block tag whose name is in <paramref name="endTags"/>; then
    /// <paramref name="endTag"/> is that name (its token consumed, the rest of the tag not) or null at the end.</summary>
    private List<JinjaNode> ParseBody(out string? endTag, params string[] endTags)
    {
        var nodes = new List<JinjaNode>();
        while (true)
        {
            var t = Current;
            switch (t.Kind)
            {
                case JinjaTokenKind.EndOfInput:
                    endTag = null;
                    return nodes;
                case JinjaTokenKind.Text:
                    _i++;
                    nodes.Add(new TextNode(t.Index, t.Value));
                    break;
                case JinjaTokenKind.VariableStart:
                    _i++;
                    nodes.Add(new OutputNode(t.Index, ParseTupleOrExpression(allowConditional: true)));
                    Expect(JinjaTokenKind.VariableEnd, null, "'}}'");
                    break;
                case JinjaTokenKind.BlockStart:
                    var name = Peek();
                    if (name.Kind != JinjaTokenKind.Name) throw Error(name, $"expected a tag name after '{{%', found {name}");
                    if (endTags.Contains(name.Value))
                    {
                        _i += 2;
                        endTag = name.Value;
                        return nodes;
                    }
                    _i += 2;
                    nodes.Add(ParseStatement(t, name));
                    break;
                default:
                    throw Error(t, $"unexpected {t}");
            }
        }
    }

    private JinjaNode ParseStatement(JinjaToken open, JinjaToken name)
    {
        switch (name.Value)
        {
            case "if": return ParseIf(open);
            case "for": return ParseFor(open);
            case "set": return ParseSet(open);
            case "break" or "continue" when _loopDepth == 0:
                throw Error(name, $"'{{% {name.Value} %}}' outside a for loop");
            case "break":
                ExpectBlockEnd("break");
                return new BreakNode(open.Index);
            case "continue":
                ExpectBlockEnd("continue");
                return new ContinueNode(open.Index);
            case "generation":
                ExpectBlockEnd("generation");
                var body = ParseBody(out var end, "endgeneration");
                if (end is null) throw Error(open, "'{% generation %}' is never closed with '{% endgeneration %}'");
                ExpectBlockEnd("endgeneration");
                return new IfNode(open.Index, [new IfBranch(new LiteralExpr(open.Index, true), body)], []);
            default:
                if (name.Value.StartsWith("end", StringComparison.Ordinal) || name.Value is "elif" or "else")
                    throw Error(name, $"'{{% {name.Value} %}}' without a matching opening tag");
                throw Error(name, KnownUnsupportedTags.Contains(name.Value)
                    ? $"'{{% {name.Value} %}}' is not supported (Rebel's chat templates allow if, for, set, break, continue)"
                    : $"unknown tag '{{% {name.Value} %}}'");
        }
    }

    private IfNode ParseIf(JinjaToken open)
    {
        var branches = new List<IfBranch>();
        IReadOnlyList<JinjaNode> elseBody = [];
        var condition = ParseExpression();
        while (true)
        {
            ExpectBlockEnd("if");
            var body = ParseBody(out var end, "elif", "else", "endif");
            branches.Add(new IfBranch(condition, body));
            if (end is null) throw Error(open, "'{% if %}' is never closed with '{% endif %}'");
            if (end == "elif")
            {
                condition = ParseExpression();
                continue;
            }
            if (end == "else")
            {
                ExpectBlockEnd("else");
                elseBody = ParseBody(out end, "endif");
                if (end is null) throw Error(open, "'{% if %}' is never closed with '{% endif %}'");
            }
            ExpectBlockEnd("endif");
            return new IfNode(open.Index, branches, elseBody);
        }
    }

    private ForNode ParseFor(JinjaToken open)
    {
        var targets = ParseTargetNames(allowParentheses: true);
        if (!TryName("in")) throw Error(Current, $"expected 'in' in '{{% for %}}', found {Current}");
        var iterable = ParseTupleOrExpression(allowConditional: false);
        if (Current.IsName("recursive")) throw Error(Current, "recursive loops are not supported");
        JinjaExpr? filter = TryName("if") ? ParseExpression() : null;
        ExpectBlockEnd("for");
        _loopDepth++;
        var body = ParseBody(out var end, "else", "endfor");
        _loopDepth--;
        IReadOnlyList<JinjaNode> elseBody = [];
        if (end == "else")
        {
            ExpectBlockEnd("else");
            elseBody = ParseBody(out end, "endfor");
        }
        if (end is null) throw Error(open, "'{% for %}' is never closed with '{% endfor %}'");
        ExpectBlockEnd("endfor");
        return new ForNode(open.Index, targets, iterable, filter, body, elseBody);
    }

    private SetNode ParseSet(JinjaToken open)
    {
        JinjaExpr? ns = null;
        List<string> targets;
        if (Current.Kind == JinjaTokenKind.Name && Peek().IsOperator("."))
        {
            var nsName = Next();
            _i++;
            var attr = Expect(JinjaTokenKind.Name, null, "an attribute name after '.'");
            ns = new NameExpr(nsName.Index, nsName.Value);
            targets = [attr.Value];
        }
        else targets = ParseTargetNames(allowParentheses: false);
        if (!Current.IsOperator("="))
            throw Error(Current, Current.Kind == JinjaTokenKind.BlockEnd
                ? "block assignment '{% set x %}...{% endset %}' is not supported"
                : $"expected '=' in '{{% set %}}', found {Current}");
        _i++;
        var value = ParseTupleOrExpression(allowConditional: true);
        ExpectBlockEnd("set");
        return new SetNode(open.Index, ns, targets, value);
    }

    private List<string> ParseTargetNames(bool allowParentheses)
    {
        bool paren = allowParentheses && TryOperator("(");
        var names = new List<string>();
        do
        {
            var t = Expect(JinjaTokenKind.Name, null, "a variable name");
            names.Add(t.Value);
        } while (TryOperator(","));
        if (paren) ExpectOperator(")");
        return names;
    }

    private static object ParseNumber(JinjaToken t) =>
        t.Kind == JinjaTokenKind.Integer
            ? (object)long.Parse(t.Value, NumberStyles.None, CultureInfo.InvariantCulture)
            : (object)double.Parse(t.Value, NumberStyles.Float, CultureInfo.InvariantCulture);
}
