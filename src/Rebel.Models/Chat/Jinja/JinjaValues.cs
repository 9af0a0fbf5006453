namespace Rebel.Models.Chat.Jinja;

// Runtime values of the template language. A value is one of: null (none), JinjaUndefined, bool, long, double,
// JinjaString, JinjaList, JinjaDict, JinjaNamespace, JinjaLoop, JinjaFunction.

/// <summary>A name or key that does not exist. Renders as "", is false, iterates as empty; anything else is an error.</summary>
internal sealed class JinjaUndefined(string description)
{
    public static readonly JinjaUndefined Anonymous = new("value");

    /// <summary>What was looked up, for error messages (e.g. <c>'foo' is undefined</c>).</summary>
    public string Description { get; } = description;
}

/// <summary>A list or tuple. Templates cannot mutate lists (as in transformers' immutable sandbox).</summary>
internal sealed class JinjaList(IReadOnlyList<object?> items, bool isTuple = false)
{
    public IReadOnlyList<object?> Items { get; } = items;

    public bool IsTuple { get; } = isTuple;

    public int Count => Items.Count;
}

/// <summary>A mapping with keys in insertion order (Python dict semantics). Immutable once built.</summary>
internal sealed class JinjaDict
{
    private readonly List<KeyValuePair<object, object?>> _entries = [];
    private readonly Dictionary<object, int> _index = new(JinjaKeyComparer.Instance);

    public IReadOnlyList<KeyValuePair<object, object?>> Entries => _entries;

    public int Count => _entries.Count;

    /// <summary>Adds or replaces (a repeated key keeps its first position, as in Python).</summary>
    public void Set(object key, object? value)
    {
        if (_index.TryGetValue(key, out int at)) _entries[at] = new(_entries[at].Key, value);
        else
        {
            _index[key] = _entries.Count;
            _entries.Add(new(key, value));
        }
    }

    public bool TryGet(object key, out object? value)
    {
        if (_index.TryGetValue(key, out int at))
        {
            value = _entries[at].Value;
            return true;
        }
        value = null;
        return false;
    }
}

/// <summary>Equality of dictionary keys: strings by text, numbers by value (1 == 1.0 == true, as in Python).</summary>
internal sealed class JinjaKeyComparer : IEqualityComparer<object>
{
    public static readonly JinjaKeyComparer Instance = new();

    public new bool Equals(object? x, object? y) => JinjaOperations.AreEqual(x, y);

    public int GetHashCode(object obj) => obj switch
    {
        JinjaString s => s.GetHashCode(),
        bool b => (b ? 1.0 : 0.0).GetHashCode(),
        long l => ((double)l).GetHashCode(),
        double d => d.GetHashCode(),
        _ => obj.GetHashCode(),
    };
}

/// <summary>The mutable object <c>namespace(...)</c> makes: the one way a loop body can change state outside it.</summary>
internal sealed class JinjaNamespace
{
    public Dictionary<string, object?> Attributes { get; } = new(StringComparer.Ordinal);
}

/// <summary>The <c>loop</c> variable inside a for loop.</summary>
internal sealed class JinjaLoop(int index0, int length, object? previous, object? next, bool hasPrevious, bool hasNext)
{
    public object? GetAttribute(string name) => name switch
    {
        "index0" => (long)index0,
        "index" => (long)index0 + 1,
        "revindex0" => (long)(length - index0 - 1),
        "revindex" => (long)(length - index0),
        "first" => index0 == 0,
        "last" => index0 == length - 1,
        "length" => (long)length,
        "previtem" => hasPrevious ? previous : new JinjaUndefined("loop.previtem"),
        "nextitem" => hasNext ? next : new JinjaUndefined("loop.nextitem"),
        "depth" => 1L,
        "depth0" => 0L,
        _ => new JinjaUndefined($"loop.{name}"),
    };
}

/// <summary>A global function such as <c>raise_exception</c>, <c>namespace</c> or <c>range</c>.</summary>
internal sealed class JinjaFunction(string name, Func<JinjaCall, object?> invoke)
{
    public string Name { get; } = name;

    public object? Invoke(JinjaCall call) => invoke(call);
}

/// <summary>Evaluated arguments of a call, filter or test, with the location to blame for errors.</summary>
internal sealed class JinjaCall(string what, IReadOnlyList<object?> positional, IReadOnlyList<(string Name, object? Value)> keyword,
    JinjaSource source, int index)
{
    public string What { get; } = what;

    public IReadOnlyList<object?> Positional { get; } = positional;

    public IReadOnlyList<(string Name, object? Value)> Keyword { get; } = keyword;

    public ChatTemplateException Error(string problem) => source.Error(index, problem);

    /// <summary>Argument <paramref name="position"/> or keyword <paramref name="name"/>, else <paramref name="fallback"/>.</summary>
    public object? Get(int position, string name, object? fallback)
    {
        if (position < Positional.Count) return Positional[position];
        foreach (var (n, v) in Keyword)
            if (n == name) return v;
        return fallback;
    }

    /// <summary>Keyword argument <paramref name="name"/>, else <paramref name="fallback"/>.</summary>
    public object? GetKeyword(string name, object? fallback) => Get(int.MaxValue, name, fallback);

    /// <summary>The same location with other arguments (a test applied by a filter).</summary>
    public JinjaCall Nested(string what, IReadOnlyList<object?> positional) => new(what, positional, [], source, index);

    /// <summary>Throws unless there are at most <paramref name="maxPositional"/> positional arguments and only the named keywords.</summary>
    public void Check(int maxPositional, params string[] keywords)
    {
        if (Positional.Count > maxPositional)
            throw Error($"{What} takes at most {maxPositional} positional argument{(maxPositional == 1 ? "" : "s")}, got {Positional.Count}");
        foreach (var (n, _) in Keyword)
            if (!keywords.Contains(n)) throw Error($"{What} has no argument '{n}'");
    }
}
