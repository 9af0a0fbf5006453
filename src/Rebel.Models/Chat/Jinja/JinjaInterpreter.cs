namespace Rebel.Models.Chat.Jinja;

/// <summary>
/// Renders a parsed template. Scoping follows Jinja: a for loop's body has its own scope (assignments in it are
/// not seen after the loop; use <c>namespace()</c> for that), <c>if</c> has none. Output is a
/// <see cref="JinjaString"/>, so the origin (template text or message content) of every character is known.
/// </summary>
internal sealed partial class JinjaInterpreter
{
    /// <summary>Largest list <c>range()</c> may build and most loop iterations one render may run.</summary>
    internal const int MaxIterations = 1_000_000;

    private readonly JinjaSource _source;
    private long _iterations;

    private JinjaInterpreter(JinjaSource source) => _source = source;

    private enum Flow { Normal, Break, Continue }

    private sealed class Scope(Scope? parent)
    {
        public Scope? Parent { get; } = parent;

        public Dictionary<string, object?> Variables { get; } = new(StringComparer.Ordinal);

        public bool TryLookup(string name, out object? value)
        {
            for (var s = this; s is not null; s = s.Parent)
                if (s.Variables.TryGetValue(name, out value)) return true;
            value = null;
            return false;
        }
    }

    public static JinjaString Render(JinjaSource source, IReadOnlyList<JinjaNode> body, IReadOnlyDictionary<string, object?> variables)
    {
        var interpreter = new JinjaInterpreter(source);
        var globals = new Scope(null);
        foreach (var f in JinjaGlobals.Create(interpreter._source)) globals.Variables[f.Name] = f;
        var root = new Scope(globals);
        foreach (var (k, v) in variables) root.Variables[k] = v;
        var output = new JinjaString.Builder();
        interpreter.ExecuteBody(body, root, output); // the parser allows break/continue only inside loops
        return output.ToJinjaString();
    }

    private ChatTemplateException Error(JinjaNode node, string problem) => _source.Error(node.Index, problem);

    private Flow ExecuteBody(IReadOnlyList<JinjaNode> body, Scope scope, JinjaString.Builder output)
    {
        foreach (var node in body)
        {
            var flow = Execute(node, scope, output);
            if (flow != Flow.Normal) return flow;
        }
        return Flow.Normal;
    }

    private Flow Execute(JinjaNode node, Scope scope, JinjaString.Builder output)
    {
        switch (node)
        {
            case TextNode t:
                output.Append(JinjaString.Plain(t.Text));
                return Flow.Normal;
            case OutputNode o:
                var value = Evaluate(o.Value, scope);
                if (value is JinjaFunction or JinjaNamespace or JinjaLoop)
                    throw Error(o, $"cannot print a {JinjaOperations.TypeName(value)}");
                output.Append(JinjaOperations.ToJinjaString(value));
                return Flow.Normal;
            case IfNode i:
                foreach (var branch in i.Branches)
                    if (JinjaOperations.IsTruthy(Evaluate(branch.Condition, scope)))
                        return ExecuteBody(branch.Body, scope, output);
                return ExecuteBody(i.Else, scope, output);
            case ForNode f:
                ExecuteFor(f, scope, output);
                return Flow.Normal;
            case SetNode s:
                ExecuteSet(s, scope);
                return Flow.Normal;
            case BreakNode:
                return Flow.Break;
            case ContinueNode:
                return Flow.Continue;
            default:
                throw Error(node, $"cannot execute {node.GetType().Name}");
        }
    }

    private void ExecuteFor(ForNode f, Scope scope, JinjaString.Builder output)
    {
        var iterable = Evaluate(f.Iterable, scope);
        IReadOnlyList<object?> candidates = iterable switch
        {
            JinjaList l => l.Items,
            JinjaDict d => d.Entries.Select(e => (object?)e.Key).ToList(),
            JinjaString s => Enumerable.Range(0, s.Length).Select(i => (object?)s.Substring(i, 1)).ToList(),
            JinjaUndefined => [],
            _ => throw Error(f.Iterable, $"'{JinjaOperations.TypeName(iterable)}' object is not iterable"),
        };

        var loopScope = new Scope(scope);
        List<object?> items;
        if (f.Filter is null) items = candidates as List<object?> ?? candidates.ToList();
        else
        {
            items = [];
            foreach (var candidate in candidates)
            {
                Bind(f, candidate, loopScope);
                if (JinjaOperations.IsTruthy(Evaluate(f.Filter, loopScope))) items.Add(candidate);
            }
        }

        for (int i = 0; i < items.Count; i++)
        {
            if (++_iterations > MaxIterations) throw Error(f, $"more than {MaxIterations} loop iterations");
            loopScope.Variables["loop"] = new JinjaLoop(i, items.Count,
                i > 0 ? items[i - 1] : null, i + 1 < items.Count ? items[i + 1] : null, i > 0, i + 1 < items.Count);
            Bind(f, items[i], loopScope);
            if (ExecuteBody(f.Body, loopScope, output) == Flow.Break) break;
        }
        if (items.Count == 0) ExecuteBody(f.Else, new Scope(scope), output);
    }

    private void Bind(ForNode f, object? item, Scope scope)
    {
        if (f.Targets.Count == 1)
        {
            scope.Variables[f.Targets[0]] = item;
            return;
        }
        var values = Unpack(f, item, f.Targets.Count);
        for (int i = 0; i < values.Count; i++) scope.Variables[f.Targets[i]] = values[i];
    }

    private IReadOnlyList<object?> Unpack(JinjaNode at, object? value, int count)
    {
        if (value is not JinjaList list)
            throw Error(at, $"cannot unpack a '{JinjaOperations.TypeName(value)}' into {count} names");
        if (list.Count != count)
            throw Error(at, $"cannot unpack {list.Count} values into {count} names");
        return list.Items;
    }

    private void ExecuteSet(SetNode s, Scope scope)
    {
        var value = Evaluate(s.Value, scope);
        if (s.Namespace is not null)
        {
            var target = Evaluate(s.Namespace, scope);
            if (target is not JinjaNamespace ns)
                throw Error(s, $"cannot assign attribute '{s.Targets[0]}' on a '{JinjaOperations.TypeName(target)}' (only a namespace() allows it)");
            ns.Attributes[s.Targets[0]] = value;
            return;
        }
        if (s.Targets.Count == 1)
        {
            scope.Variables[s.Targets[0]] = value;
            return;
        }
        var values = Unpack(s, value, s.Targets.Count);
        for (int i = 0; i < values.Count; i++) scope.Variables[s.Targets[i]] = values[i];
    }
}
