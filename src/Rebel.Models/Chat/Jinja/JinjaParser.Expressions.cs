namespace Rebel.Models.Chat.Jinja;

// Expression grammar, lowest precedence first (as Jinja2 parses it):
//   conditional:  or ('if' or ('else' conditional)?)*
//   or / and / not
//   compare:      math1 (('=='|'!='|'<'|'<='|'>'|'>='|'in'|'not' 'in') math1)*
//   math1:        concat (('+'|'-') concat)*
//   concat:       math2 ('~' math2)*
//   math2:        pow (('*'|'/'|'//'|'%') pow)*
//   pow:          unary ('**' unary)*
//   unary:        ('-'|'+') unary-without-filters | primary postfix* ; then ('|' filter | 'is' test | call)*
internal sealed partial class JinjaParser
{
    private JinjaExpr ParseExpression() => ParseConditional();

    /// <summary>An expression, or a bare tuple <c>a, b</c> (as after <c>set x =</c> or <c>in</c>).</summary>
    private JinjaExpr ParseTupleOrExpression(bool allowConditional)
    {
        var start = Current;
        var first = allowConditional ? ParseConditional() : ParseOr();
        if (!Current.IsOperator(",")) return first;
        var items = new List<JinjaExpr> { first };
        while (TryOperator(","))
        {
            if (Current.Kind is JinjaTokenKind.BlockEnd or JinjaTokenKind.VariableEnd) break;
            items.Add(allowConditional ? ParseConditional() : ParseOr());
        }
        return new ListExpr(start.Index, items, IsTuple: true);
    }

    private JinjaExpr ParseConditional()
    {
        var expr = ParseOr();
        while (Current.IsName("if"))
        {
            var t = Next();
            var condition = ParseOr();
            JinjaExpr? otherwise = TryName("else") ? ParseConditional() : null;
            expr = new ConditionalExpr(t.Index, condition, expr, otherwise);
        }
        return expr;
    }

    private JinjaExpr ParseOr()
    {
        var left = ParseAnd();
        while (Current.IsName("or"))
        {
            var t = Next();
            left = new LogicalExpr(t.Index, IsAnd: false, left, ParseAnd());
        }
        return left;
    }

    private JinjaExpr ParseAnd()
    {
        var left = ParseNot();
        while (Current.IsName("and"))
        {
            var t = Next();
            left = new LogicalExpr(t.Index, IsAnd: true, left, ParseNot());
        }
        return left;
    }

    private JinjaExpr ParseNot()
    {
        if (Current.IsName("not"))
        {
            var t = Next();
            return new NotExpr(t.Index, ParseNot());
        }
        return ParseCompare();
    }

    private JinjaExpr ParseCompare()
    {
        var start = Current;
        var first = ParseMath1();
        var rest = new List<(string, JinjaExpr)>();
        while (true)
        {
            var t = Current;
            if (t.Kind == JinjaTokenKind.Operator && t.Value is "==" or "!=" or "<" or "<=" or ">" or ">=")
            {
                _i++;
                rest.Add((t.Value, ParseMath1()));
            }
            else if (t.IsName("in"))
            {
                _i++;
                rest.Add(("in", ParseMath1()));
            }
            else if (t.IsName("not") && Peek().IsName("in"))
            {
                _i += 2;
                rest.Add(("not in", ParseMath1()));
            }
            else break;
        }
        return rest.Count == 0 ? first : new CompareExpr(start.Index, first, rest);
    }

    private JinjaExpr ParseMath1()
    {
        var left = ParseConcat();
        while (Current.Kind == JinjaTokenKind.Operator && Current.Value is "+" or "-")
        {
            var t = Next();
            left = new BinaryExpr(t.Index, t.Value, left, ParseConcat());
        }
        return left;
    }

    private JinjaExpr ParseConcat()
    {
        var left = ParseMath2();
        while (Current.IsOperator("~"))
        {
            var t = Next();
            left = new BinaryExpr(t.Index, "~", left, ParseMath2());
        }
        return left;
    }

    private JinjaExpr ParseMath2()
    {
        var left = ParsePow();
        while (Current.Kind == JinjaTokenKind.Operator && Current.Value is "*" or "/" or "//" or "%")
        {
            var t = Next();
            left = new BinaryExpr(t.Index, t.Value, left, ParsePow());
        }
        return left;
    }

    private JinjaExpr ParsePow()
    {
        var left = ParseUnary(withFilters: true);
        while (Current.IsOperator("**"))
        {
            var t = Next();
            left = new BinaryExpr(t.Index, "**", left, ParseUnary(withFilters: true));
        }
        return left;
    }

    private JinjaExpr ParseUnary(bool withFilters)
    {
        var t = Current;
        JinjaExpr node;
        if (t.Kind == JinjaTokenKind.Operator && t.Value is "-" or "+")
        {
            _i++;
            node = new NegateExpr(t.Index, ParseUnary(withFilters: false), Minus: t.Value == "-");
        }
        else node = ParsePrimary();
        node = ParsePostfix(node);
        return withFilters ? ParseFilters(node) : node;
    }

    private JinjaExpr ParsePrimary()
    {
        var t = Next();
        switch (t.Kind)
        {
            case JinjaTokenKind.Name:
                return t.Value switch
                {
                    "true" or "True" => new LiteralExpr(t.Index, true),
                    "false" or "False" => new LiteralExpr(t.Index, false),
                    "none" or "None" => new LiteralExpr(t.Index, null),
                    _ => new NameExpr(t.Index, t.Value),
                };
            case JinjaTokenKind.String:
                var text = t.Value;
                while (Current.Kind == JinjaTokenKind.String) text += Next().Value; // adjacent literals join
                return new LiteralExpr(t.Index, JinjaString.Plain(text));
            case JinjaTokenKind.Integer:
            case JinjaTokenKind.Float:
                try
                {
                    return new LiteralExpr(t.Index, ParseNumber(t));
                }
                catch (OverflowException)
                {
                    throw Error(t, $"number {t.Value} is out of range");
                }
            case JinjaTokenKind.Operator when t.Value == "(":
                if (TryOperator(")")) return new ListExpr(t.Index, [], IsTuple: true);
                var first = ParseConditional();
                if (TryOperator(")")) return first;
                var items = new List<JinjaExpr> { first };
                while (TryOperator(","))
                {
                    if (Current.IsOperator(")")) break;
                    items.Add(ParseConditional());
                }
                ExpectOperator(")");
                return new ListExpr(t.Index, items, IsTuple: true);
            case JinjaTokenKind.Operator when t.Value == "[":
                var list = new List<JinjaExpr>();
                while (!Current.IsOperator("]"))
                {
                    list.Add(ParseConditional());
                    if (!TryOperator(",")) break;
                }
                ExpectOperator("]");
                return new ListExpr(t.Index, list, IsTuple: false);
            case JinjaTokenKind.Operator when t.Value == "{":
                var entries = new List<(JinjaExpr, JinjaExpr)>();
                while (!Current.IsOperator("}"))
                {
                    var key = ParseConditional();
                    ExpectOperator(":");
                    entries.Add((key, ParseConditional()));
                    if (!TryOperator(",")) break;
                }
                ExpectOperator("}");
                return new DictExpr(t.Index, entries);
            default:
                throw Error(t, $"expected an expression, found {t}");
        }
    }

    private JinjaExpr ParsePostfix(JinjaExpr node)
    {
        while (true)
        {
            var t = Current;
            if (t.IsOperator("."))
            {
                _i++;
                var name = Next();
                if (name.Kind == JinjaTokenKind.Name) node = new AttributeExpr(name.Index, node, name.Value);
                else if (name.Kind == JinjaTokenKind.Integer) node = new ItemExpr(name.Index, node, new LiteralExpr(name.Index, ParseNumber(name)));
                else throw Error(name, $"expected an attribute name after '.', found {name}");
            }
            else if (t.IsOperator("["))
            {
                _i++;
                node = ParseSubscript(t, node);
            }
            else if (t.IsOperator("("))
            {
                _i++;
                node = new CallExpr(node.Index, node, ParseArguments());
            }
            else return node;
        }
    }

    private JinjaExpr ParseSubscript(JinjaToken open, JinjaExpr target)
    {
        JinjaExpr? start = null, stop = null, step = null;
        if (!Current.IsOperator(":")) start = ParseConditional();
        if (TryOperator(":"))
        {
            if (!Current.IsOperator("]") && !Current.IsOperator(":")) stop = ParseConditional();
            if (TryOperator(":") && !Current.IsOperator("]")) step = ParseConditional();
            ExpectOperator("]");
            return new SliceExpr(open.Index, target, start, stop, step);
        }
        ExpectOperator("]");
        return new ItemExpr(open.Index, target, start!);
    }

    /// <summary>Arguments after an opening '(' up to and including ')'.</summary>
    private JinjaArguments ParseArguments()
    {
        var positional = new List<JinjaExpr>();
        var keyword = new List<(string, JinjaExpr)>();
        while (!Current.IsOperator(")"))
        {
            if (Current.IsOperator("*") || Current.IsOperator("**"))
                throw Error(Current, "'*args' and '**kwargs' in calls are not supported");
            if (Current.Kind == JinjaTokenKind.Name && Peek().IsOperator("="))
            {
                var name = Next().Value;
                _i++;
                keyword.Add((name, ParseConditional()));
            }
            else
            {
                if (keyword.Count > 0) throw Error(Current, "a positional argument after a keyword argument");
                positional.Add(ParseConditional());
            }
            if (!TryOperator(",")) break;
        }
        ExpectOperator(")");
        return new JinjaArguments(positional, keyword);
    }

    private JinjaExpr ParseFilters(JinjaExpr node)
    {
        while (true)
        {
            var t = Current;
            if (t.IsOperator("|"))
            {
                _i++;
                var name = Expect(JinjaTokenKind.Name, null, "a filter name after '|'");
                if (!JinjaFilters.Names.Contains(name.Value)) throw Error(name, $"filter '{name.Value}' is not supported");
                var args = TryOperator("(") ? ParseArguments() : JinjaArguments.None;
                node = new FilterExpr(name.Index, node, name.Value, args);
            }
            else if (t.IsName("is"))
            {
                _i++;
                bool negated = TryName("not");
                var name = Expect(JinjaTokenKind.Name, null, "a test name after 'is'");
                if (!JinjaTestFunctions.Names.Contains(name.Value)) throw Error(name, $"test '{name.Value}' is not supported");
                var args = JinjaArguments.None;
                if (TryOperator("(")) args = ParseArguments();
                else if (StartsTestArgument(Current))
                    args = new JinjaArguments([ParsePostfix(ParsePrimary())], []);
                node = new TestExpr(name.Index, node, name.Value, args, negated);
            }
            else if (t.IsOperator("("))
            {
                _i++;
                node = new CallExpr(t.Index, node, ParseArguments());
            }
            else return node;
        }
    }

    // `x is divisibleby 3`, `x is sameas none`: a test may take one argument without parentheses.
    private static bool StartsTestArgument(JinjaToken t) =>
        t.Kind is JinjaTokenKind.String or JinjaTokenKind.Integer or JinjaTokenKind.Float
        || (t.Kind == JinjaTokenKind.Name && t.Value is not ("else" or "or" or "and" or "if" or "not" or "in" or "is"))
        || t.IsOperator("[") || t.IsOperator("{");
}
