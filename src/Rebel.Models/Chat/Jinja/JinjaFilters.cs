using System.Globalization;

namespace Rebel.Models.Chat.Jinja;

/// <summary>
/// The filters of <c>value | name(args)</c>: trim, tojson, length/count, upper, lower, capitalize, title, default/d,
/// join, first, last, string, int, float, abs, round, list, reverse, items, replace, indent, safe, map(attribute=),
/// selectattr/rejectattr (attribute and optional test). Any other filter is an error naming it.
/// </summary>
internal static class JinjaFilters
{
    /// <summary>Every filter name <see cref="Apply"/> knows; the parser refuses the others.</summary>
    public static readonly HashSet<string> Names =
    [
        "trim", "tojson", "length", "count", "upper", "lower", "capitalize", "title", "default", "d", "join", "first", "last",
        "string", "safe", "int", "float", "abs", "round", "list", "reverse", "items", "replace", "indent", "map",
        "selectattr", "rejectattr",
    ];

    public static object? Apply(string name, object? v, JinjaCall call)
    {
        switch (name)
        {
            case "trim":
                call.Check(1, "chars");
                return JinjaMethods.Strip(Str(v, call), call.Get(0, "chars", null), left: true, right: true, call);
            case "tojson": return ToJson(v, call);
            case "length" or "count":
                call.Check(0);
                return v switch
                {
                    JinjaString s => (long)s.Length,
                    JinjaList l => (long)l.Count,
                    JinjaDict d => (long)d.Count,
                    JinjaUndefined => 0L,
                    _ => throw call.Error($"filter '{name}': a '{JinjaOperations.TypeName(v)}' has no length"),
                };
            case "upper": call.Check(0); return Derive(Str(v, call), t => t.ToUpperInvariant());
            case "lower": call.Check(0); return Derive(Str(v, call), t => t.ToLowerInvariant());
            case "capitalize":
                call.Check(0);
                return Derive(Str(v, call), t => t.Length == 0 ? t : char.ToUpperInvariant(t[0]) + t[1..].ToLowerInvariant());
            case "title": call.Check(0); return JinjaMethods.Title(Str(v, call));
            case "default" or "d":
                call.Check(2, "default_value", "boolean");
                bool boolean = JinjaOperations.IsTruthy(call.Get(1, "boolean", false));
                return v is JinjaUndefined || (boolean && !JinjaOperations.IsTruthy(v)) ? call.Get(0, "default_value", JinjaString.Empty) : v;
            case "join":
                call.Check(2, "d", "attribute");
                var separator = call.Get(0, "d", JinjaString.Empty) as JinjaString ?? throw call.Error("filter 'join': the separator must be a string");
                var builder = new JinjaString.Builder();
                var items = Items(v, call);
                var attribute = call.Get(1, "attribute", null);
                for (int i = 0; i < items.Count; i++)
                {
                    if (i > 0) builder.Append(separator);
                    builder.Append(JinjaOperations.ToJinjaString(attribute is null ? items[i] : Attribute(items[i], attribute, call)));
                }
                return builder.ToJinjaString();
            case "first" or "last":
                call.Check(0);
                var all = Items(v, call);
                return all.Count == 0 ? new JinjaUndefined($"{name} item of an empty sequence") : name == "first" ? all[0] : all[^1];
            case "string": call.Check(0); return JinjaOperations.ToJinjaString(v);
            case "safe": call.Check(0); return v;
            case "int": call.Check(1, "default"); return ToInt(v, call.Get(0, "default", 0L));
            case "float": call.Check(1, "default"); return ToFloat(v, call.Get(0, "default", 0.0));
            case "abs":
                call.Check(0);
                return v switch
                {
                    long l => (object)checked(Math.Abs(l)),
                    double d => Math.Abs(d),
                    bool b => b ? 1L : 0L,
                    _ => throw call.Error($"filter 'abs' needs a number, not '{JinjaOperations.TypeName(v)}'"),
                };
            case "round":
                call.Check(2, "precision", "method");
                if (v is not (long or double)) throw call.Error($"filter 'round' needs a number, not '{JinjaOperations.TypeName(v)}'");
                int precision = (int)(call.Get(0, "precision", 0L) as long? ?? 0);
                var method = JinjaOperations.ToText(call.Get(1, "method", JinjaString.Plain("common")));
                double x = v is long lv ? lv : (double)v, scale = Math.Pow(10, precision);
                return method switch
                {
                    "common" => Math.Round(x, Math.Clamp(precision, 0, 15), MidpointRounding.ToEven), // Python's round()
                    "floor" => Math.Floor(x * scale) / scale,
                    "ceil" => Math.Ceiling(x * scale) / scale,
                    _ => throw call.Error($"filter 'round': method must be common, floor or ceil, not '{method}'"),
                };
            case "list": call.Check(0); return new JinjaList(Items(v, call));
            case "reverse":
                call.Check(0);
                if (v is JinjaString rs)
                {
                    var rb = new JinjaString.Builder();
                    for (int i = rs.Length - 1; i >= 0; i--) rb.Append(rs.Substring(i, 1));
                    return rb.ToJinjaString();
                }
                return new JinjaList(Items(v, call).AsEnumerable().Reverse().ToList());
            case "items":
                call.Check(0);
                if (v is JinjaUndefined) return new JinjaList([]);
                if (v is not JinjaDict dict) throw call.Error($"filter 'items' needs a dict, not '{JinjaOperations.TypeName(v)}'");
                return JinjaMethods.Call(dict, "items", call);
            case "replace":
                call.Check(3, "old", "new", "count");
                return JinjaMethods.Replace(Str(v, call), call.Get(0, "old", null), call.Get(1, "new", null), call.Get(2, "count", null), call);
            case "indent": return Indent(Str(v, call), call);
            case "map":
                call.Check(0, "attribute", "default");
                var mapAttribute = call.GetKeyword("attribute", null) ?? throw call.Error("filter 'map' is supported only as map(attribute=...)");
                return new JinjaList(Items(v, call).Select(i => Attribute(i, mapAttribute, call) is JinjaUndefined u
                    ? call.GetKeyword("default", u) : Attribute(i, mapAttribute, call)).ToList());
            case "selectattr" or "rejectattr":
                if (call.Positional.Count is < 1 or > 3 || call.Keyword.Count > 0)
                    throw call.Error($"filter '{name}' takes an attribute name, then optionally a test name and its argument");
                var attr = call.Positional[0];
                var test = call.Positional.Count > 1 ? JinjaOperations.ToText(call.Positional[1]) : null;
                var testCall = call.Nested($"test '{test}'", call.Positional.Skip(2).ToList());
                bool keep = name == "selectattr";
                return new JinjaList(Items(v, call).Where(item =>
                {
                    var value = Attribute(item, attr, call);
                    bool passed = test is null ? JinjaOperations.IsTruthy(value) : JinjaTestFunctions.Apply(test, value, testCall);
                    return passed == keep;
                }).ToList());
            default:
                throw call.Error($"filter '{name}' is not supported");
        }
    }

    private static JinjaString Str(object? v, JinjaCall call) => v switch
    {
        JinjaString s => s,
        JinjaUndefined => JinjaString.Empty,
        JinjaFunction or JinjaNamespace or JinjaLoop => throw call.Error($"{call.What} needs a string, not '{JinjaOperations.TypeName(v)}'"),
        _ => JinjaOperations.ToJinjaString(v),
    };

    private static JinjaString Derive(JinjaString s, Func<string, string> f) => JinjaString.Derived(f(s.Text), s);

    private static IReadOnlyList<object?> Items(object? v, JinjaCall call) => v switch
    {
        JinjaList l => l.Items,
        JinjaDict d => d.Entries.Select(e => (object?)e.Key).ToList(),
        JinjaString s => Enumerable.Range(0, s.Length).Select(i => (object?)s.Substring(i, 1)).ToList(),
        JinjaUndefined => [],
        _ => throw call.Error($"{call.What} needs a list, not '{JinjaOperations.TypeName(v)}'"),
    };

    private static object? Attribute(object? item, object? attribute, JinjaCall call)
    {
        var key = attribute is JinjaString s ? s : throw call.Error($"{call.What}: the attribute name must be a string");
        return item is JinjaDict d && d.TryGet(key, out var v) ? v
            : item is JinjaNamespace ns && ns.Attributes.TryGetValue(key.Text, out var nv) ? nv
            : new JinjaUndefined($"attribute '{key.Text}'");
    }

    private static object? ToJson(object? v, JinjaCall call)
    {
        call.Check(1, "indent", "separators", "sort_keys", "ensure_ascii");
        int? indent = call.Get(0, "indent", null) switch
        {
            null => null,
            long n => (int)Math.Clamp(n, 0, 64),
            var other => throw call.Error($"filter 'tojson': indent must be an integer, not '{JinjaOperations.TypeName(other)}'"),
        };
        if (JinjaOperations.IsTruthy(call.GetKeyword("ensure_ascii", false)))
            throw call.Error("filter 'tojson': ensure_ascii=True is not supported");
        string itemSep = indent is null ? ", " : ",", keySep = ": ";
        if (call.GetKeyword("separators", null) is JinjaList { Count: 2 } seps)
        {
            itemSep = JinjaOperations.ToText(seps.Items[0]);
            keySep = JinjaOperations.ToText(seps.Items[1]);
        }
        bool sortKeys = JinjaOperations.IsTruthy(call.GetKeyword("sort_keys", false));
        return JinjaString.Derived(JinjaJson.Serialize(v, indent, itemSep, keySep, sortKeys, call), JinjaOperations.ContentOf(v));
    }

    private static object? ToInt(object? v, object? fallback) => v switch
    {
        long l => l,
        bool b => b ? 1L : 0L,
        double d when !double.IsNaN(d) && !double.IsInfinity(d) && Math.Abs(d) < 9.2e18 => (long)Math.Truncate(d),
        JinjaString s when long.TryParse(s.Text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var p) => p,
        JinjaString s when double.TryParse(s.Text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && Math.Abs(f) < 9.2e18
            => (long)Math.Truncate(f),
        _ => fallback,
    };

    private static object? ToFloat(object? v, object? fallback) => v switch
    {
        long l => (double)l,
        double d => d,
        bool b => b ? 1.0 : 0.0,
        JinjaString s when double.TryParse(s.Text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var f) => f,
        _ => fallback,
    };

    private static JinjaString Indent(JinjaString s, JinjaCall call)
    {
        call.Check(3, "width", "first", "blank");
        var width = call.Get(0, "width", 4L);
        var pad = width switch
        {
            long n => new string(' ', (int)Math.Clamp(n, 0, 1000)),
            JinjaString w => w.Text,
            _ => throw call.Error("filter 'indent': width must be an integer or a string"),
        };
        bool first = JinjaOperations.IsTruthy(call.Get(1, "first", false));
        bool blank = JinjaOperations.IsTruthy(call.Get(2, "blank", false));
        var builder = new JinjaString.Builder();
        var padding = JinjaString.Plain(pad);
        int lineStart = 0, lineNumber = 0;
        for (int i = 0; i <= s.Length; i++)
        {
            if (i < s.Length && s.Text[i] != '\n') continue;
            var line = s.Substring(lineStart, i - lineStart);
            if ((lineNumber > 0 || first) && (blank || line.Length > 0)) builder.Append(padding);
            builder.Append(line);
            if (i < s.Length) builder.Append(s.Substring(i, 1));
            lineStart = i + 1;
            lineNumber++;
        }
        return builder.ToJinjaString();
    }
}
