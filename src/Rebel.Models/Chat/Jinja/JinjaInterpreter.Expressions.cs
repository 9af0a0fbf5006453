namespace Rebel.Models.Chat.Jinja;

internal sealed partial class JinjaInterpreter
{
    private object? Evaluate(JinjaExpr expr, Scope scope)
    {
        switch (expr)
        {
            case LiteralExpr l:
                return l.Value;
            case NameExpr n:
                return scope.TryLookup(n.Name, out var v) ? v : new JinjaUndefined($"'{n.Name}'");
            case ListExpr l:
                return new JinjaList(l.Items.Select(i => Evaluate(i, scope)).ToList(), l.IsTuple);
            case DictExpr d:
                var dict = new JinjaDict();
                foreach (var (k, value) in d.Entries)
                {
                    var key = Evaluate(k, scope);
                    if (key is null or JinjaUndefined or JinjaList { IsTuple: false } or JinjaDict or JinjaNamespace)
                        throw Error(k, $"a '{JinjaOperations.TypeName(key)}' cannot be a dictionary key");
                    dict.Set(key, Evaluate(value, scope));
                }
                return dict;
            case AttributeExpr a:
                return GetAttribute(a, Evaluate(a.Target, scope), a.Name);
            case ItemExpr i:
                return GetItem(i, Evaluate(i.Target, scope), Evaluate(i.Key, scope));
            case SliceExpr s:
                return Slice(s, Evaluate(s.Target, scope), s.Start is null ? null : Evaluate(s.Start, scope),
                    s.Stop is null ? null : Evaluate(s.Stop, scope), s.Step is null ? null : Evaluate(s.Step, scope));
            case CallExpr c:
                return EvaluateCall(c, scope);
            case FilterExpr f:
                return JinjaFilters.Apply(f.Name, Evaluate(f.Value, scope), Arguments($"filter '{f.Name}'", f, f.Arguments, scope));
            case TestExpr t:
                var result = JinjaTestFunctions.Apply(t.Name, Evaluate(t.Value, scope), Arguments($"test '{t.Name}'", t, t.Arguments, scope));
                return t.Negated ? !result : result;
            case NotExpr n:
                return !JinjaOperations.IsTruthy(Evaluate(n.Operand, scope));
            case LogicalExpr l:
                var left = Evaluate(l.Left, scope);
                return JinjaOperations.IsTruthy(left) == l.IsAnd ? Evaluate(l.Right, scope) : left;
            case NegateExpr n:
                var operand = Evaluate(n.Operand, scope);
                if (!JinjaOperations.IsNumber(operand)) throw Error(n, $"bad operand type for unary {(n.Minus ? '-' : '+')}: '{JinjaOperations.TypeName(operand)}'");
                return !n.Minus ? operand is bool pb ? (pb ? 1L : 0L) : operand
                    : operand switch { double d => (object)(-d), bool bo => bo ? -1L : 0L, _ => checked(-(long)operand!) };
            case BinaryExpr b:
                return EvaluateBinary(b, scope);
            case CompareExpr c:
                return EvaluateCompare(c, scope);
            case ConditionalExpr c:
                return JinjaOperations.IsTruthy(Evaluate(c.Condition, scope))
                    ? Evaluate(c.WhenTrue, scope)
                    : c.WhenFalse is null ? JinjaUndefined.Anonymous : Evaluate(c.WhenFalse, scope);
            default:
                throw Error(expr, $"cannot evaluate {expr.GetType().Name}");
        }
    }

    private object? EvaluateBinary(BinaryExpr b, Scope scope)
    {
        var left = Evaluate(b.Left, scope);
        var right = Evaluate(b.Right, scope);
        if (b.Operator == "~")
            return JinjaString.Concat(JinjaOperations.ToJinjaString(left), JinjaOperations.ToJinjaString(right));
        if (left is JinjaUndefined u || right is JinjaUndefined)
            throw Error(b, $"{(left is JinjaUndefined lu ? lu : (JinjaUndefined)right!).Description} is undefined (used with '{b.Operator}')");
        try
        {
            return JinjaOperations.Arithmetic(b.Operator, left, right)
                ?? throw Error(b, $"unsupported operand types for {b.Operator}: '{JinjaOperations.TypeName(left)}' and '{JinjaOperations.TypeName(right)}'");
        }
        catch (DivideByZeroException)
        {
            throw Error(b, "division by zero");
        }
        catch (OverflowException)
        {
            throw Error(b, $"integer overflow in '{b.Operator}'");
        }
    }

    private bool EvaluateCompare(CompareExpr c, Scope scope)
    {
        var left = Evaluate(c.First, scope);
        foreach (var (op, operandExpr) in c.Rest)
        {
            var right = Evaluate(operandExpr, scope);
            bool ok = op switch
            {
                "==" => JinjaOperations.AreEqual(left, right),
                "!=" => !JinjaOperations.AreEqual(left, right),
                "in" => Contains(c, right, left),
                "not in" => !Contains(c, right, left),
                _ => Order(c, op, left, right),
            };
            if (!ok) return false;
            left = right;
        }
        return true;
    }

    private bool Contains(JinjaNode at, object? haystack, object? needle) =>
        JinjaOperations.Contains(haystack, needle)
        ?? throw Error(at, $"'in' needs a string, list or dict on its right (and a string on its left for a string), got '{JinjaOperations.TypeName(needle)}' in '{JinjaOperations.TypeName(haystack)}'");

    private bool Order(JinjaNode at, string op, object? left, object? right)
    {
        int cmp = JinjaOperations.Compare(left, right)
            ?? throw Error(at, $"'{op}' not supported between '{JinjaOperations.TypeName(left)}' and '{JinjaOperations.TypeName(right)}'");
        return op switch { "<" => cmp < 0, "<=" => cmp <= 0, ">" => cmp > 0, _ => cmp >= 0 };
    }

    private object? GetAttribute(JinjaExpr at, object? target, string name)
    {
        switch (target)
        {
            case JinjaUndefined u:
                throw Error(at, $"{u.Description} is undefined (reading its attribute '{name}')");
            case JinjaDict d:
                return d.TryGet(JinjaString.Plain(name), out var v) ? v : new JinjaUndefined($"attribute '{name}'");
            case JinjaNamespace ns:
                return ns.Attributes.TryGetValue(name, out var nv) ? nv : new JinjaUndefined($"attribute '{name}'");
            case JinjaLoop loop:
                return loop.GetAttribute(name);
            default:
                if (JinjaMethods.Exists(target, name))
                    throw Error(at, $"method '{name}' of a '{JinjaOperations.TypeName(target)}' must be called: '{name}(...)'");
                return new JinjaUndefined($"attribute '{name}'");
        }
    }

    private object? GetItem(JinjaExpr at, object? target, object? key)
    {
        switch (target)
        {
            case JinjaUndefined u:
                throw Error(at, $"{u.Description} is undefined (reading an item of it)");
            case JinjaDict d:
                return key is not null and not JinjaUndefined && d.TryGet(key, out var v) ? v : new JinjaUndefined("item");
            case JinjaList or JinjaString when key is long or bool:
                long index = key is bool b ? (b ? 1 : 0) : (long)key;
                int count = target is JinjaList l ? l.Count : ((JinjaString)target).Length;
                if (index < 0) index += count;
                if (index < 0 || index >= count) return new JinjaUndefined("item (index out of range)");
                return target is JinjaList list ? list.Items[(int)index] : ((JinjaString)target).Substring((int)index, 1);
            case JinjaNamespace or JinjaLoop when key is JinjaString s:
                return GetAttribute(at, target, s.Text);
            default:
                return new JinjaUndefined("item");
        }
    }

    private object? Slice(SliceExpr at, object? target, object? start, object? stop, object? step)
    {
        int count = target switch
        {
            JinjaList l => l.Count,
            JinjaString s => s.Length,
            JinjaUndefined u => throw Error(at, $"{u.Description} is undefined (slicing it)"),
            _ => throw Error(at, $"a '{JinjaOperations.TypeName(target)}' cannot be sliced"),
        };
        long stepValue = SliceBound(at, step) ?? 1;
        if (stepValue == 0) throw Error(at, "slice step cannot be zero");
        var indices = SliceIndices(count, SliceBound(at, start), SliceBound(at, stop), stepValue);
        if (target is JinjaList list) return new JinjaList(indices.Select(i => list.Items[i]).ToList(), list.IsTuple);
        var str = (JinjaString)target!;
        if (stepValue == 1) return indices.Count == 0 ? JinjaString.Empty : str.Substring(indices[0], indices.Count);
        var builder = new JinjaString.Builder();
        foreach (int i in indices) builder.Append(str.Substring(i, 1));
        return builder.ToJinjaString();
    }

    private long? SliceBound(SliceExpr at, object? v) => v switch
    {
        null => null,
        long l => l,
        bool b => b ? 1 : 0,
        _ => throw Error(at, $"slice indices must be integers or none, not '{JinjaOperations.TypeName(v)}'"),
    };

    /// <summary>Python's <c>slice(start, stop, step).indices(count)</c>, expanded.</summary>
    private static List<int> SliceIndices(int count, long? start, long? stop, long step)
    {
        long lo, hi;
        if (step > 0)
        {
            lo = start is { } s ? (s < 0 ? Math.Max(s + count, 0) : Math.Min(s, count)) : 0;
            hi = stop is { } e ? (e < 0 ? Math.Max(e + count, 0) : Math.Min(e, count)) : count;
        }
        else
        {
            lo = start is { } s ? (s < 0 ? Math.Max(s + count, -1) : Math.Min(s, count - 1)) : count - 1;
            hi = stop is { } e ? (e < 0 ? Math.Max(e + count, -1) : Math.Min(e, count - 1)) : -1;
        }
        var result = new List<int>();
        for (long i = lo; step > 0 ? i < hi : i > hi; i += step) result.Add((int)i);
        return result;
    }

    private object? EvaluateCall(CallExpr c, Scope scope)
    {
        if (c.Callee is AttributeExpr a)
        {
            var target = Evaluate(a.Target, scope);
            if (target is JinjaUndefined u)
                throw Error(a, $"{u.Description} is undefined (calling its method '{a.Name}')");
            if (JinjaMethods.Exists(target, a.Name))
                return JinjaMethods.Call(target, a.Name, Arguments($"method '{a.Name}'", c, c.Arguments, scope));
            if (target is JinjaList && a.Name is "append" or "extend" or "insert" or "pop" or "remove" or "clear" or "sort" or "reverse"
                || target is JinjaDict && a.Name is "update" or "pop" or "setdefault" or "clear" or "popitem")
                throw Error(a, $"'{a.Name}' would modify a {JinjaOperations.TypeName(target)}; chat templates cannot modify lists or dicts (use namespace())");
            return CallValue(c, GetAttribute(a, target, a.Name), a.Name, scope);
        }
        var name = c.Callee is NameExpr n ? n.Name : "expression";
        return CallValue(c, Evaluate(c.Callee, scope), name, scope);
    }

    private object? CallValue(CallExpr c, object? callee, string name, Scope scope) => callee switch
    {
        JinjaFunction f => f.Invoke(Arguments($"'{f.Name}'", c, c.Arguments, scope)),
        JinjaUndefined => throw Error(c, $"'{name}' is undefined (it cannot be called; Rebel's chat templates define raise_exception, namespace, range and dict)"),
        _ => throw Error(c, $"'{JinjaOperations.TypeName(callee)}' object '{name}' is not callable"),
    };

    private JinjaCall Arguments(string what, JinjaNode at, JinjaArguments args, Scope scope) =>
        new(what,
            args.Positional.Select(p => Evaluate(p, scope)).ToList(),
            args.Keyword.Select(k => (k.Name, Evaluate(k.Value, scope))).ToList(),
            _source, at.Index);
}
