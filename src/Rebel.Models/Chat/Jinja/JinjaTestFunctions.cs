namespace Rebel.Models.Chat.Jinja;

/// <summary>The tests of <c>value is [not] name</c>: defined, undefined, none, string, number, integer, float,
/// boolean, true, false, mapping, iterable, sequence, callable, even, odd, divisibleby, eq/equalto, ne,
/// lt/lessthan, le, gt/greaterthan, ge, in, sameas, lower, upper. Any other name is an error.</summary>
internal static class JinjaTestFunctions
{
    /// <summary>Every test name <see cref="Apply"/> knows; the parser refuses the others.</summary>
    public static readonly HashSet<string> Names =
    [
        "defined", "undefined", "none", "string", "number", "integer", "float", "boolean", "true", "false", "mapping",
        "iterable", "sequence", "callable", "even", "odd", "divisibleby", "lower", "upper", "sameas", "in", "eq", "equalto",
        "ne", "lt", "lessthan", "le", "gt", "greaterthan", "ge",
    ];

    public static bool Apply(string name, object? v, JinjaCall call)
    {
        switch (name)
        {
            case "defined": call.Check(0); return v is not JinjaUndefined;
            case "undefined": call.Check(0); return v is JinjaUndefined;
            case "none": call.Check(0); return v is null;
            case "string": call.Check(0); return v is JinjaString;
            case "number": call.Check(0); return v is long or double;
            case "integer": call.Check(0); return v is long;
            case "float": call.Check(0); return v is double;
            case "boolean": call.Check(0); return v is bool;
            case "true": call.Check(0); return v is true;
            case "false": call.Check(0); return v is false;
            case "mapping": call.Check(0); return v is JinjaDict;
            case "iterable": call.Check(0); return v is JinjaString or JinjaList or JinjaDict;
            case "sequence": call.Check(0); return v is JinjaString or JinjaList or JinjaDict;
            case "callable": call.Check(0); return v is JinjaFunction;
            case "even": call.Check(0); return Integer(v, call) % 2 == 0;
            case "odd": call.Check(0); return Integer(v, call) % 2 != 0;
            case "divisibleby":
                call.Check(1, "num");
                long d = Integer(call.Get(0, "num", null), call);
                if (d == 0) throw call.Error("divisibleby 0");
                return Integer(v, call) % d == 0;
            case "lower": call.Check(0); return v is JinjaString s && s.Text == s.Text.ToLowerInvariant();
            case "upper": call.Check(0); return v is JinjaString u && u.Text == u.Text.ToUpperInvariant();
            case "sameas": call.Check(1, "other"); return Same(v, call.Get(0, "other", null));
            case "in":
                call.Check(1, "seq");
                return JinjaOperations.Contains(call.Get(0, "seq", null), v)
                    ?? throw call.Error($"test 'in' needs a string, list or dict, not '{JinjaOperations.TypeName(call.Get(0, "seq", null))}'");
            case "eq" or "equalto": call.Check(1, "b"); return JinjaOperations.AreEqual(v, call.Get(0, "b", null));
            case "ne": call.Check(1, "b"); return !JinjaOperations.AreEqual(v, call.Get(0, "b", null));
            case "lt" or "lessthan": return Order(v, call) < 0;
            case "le": return Order(v, call) <= 0;
            case "gt" or "greaterthan": return Order(v, call) > 0;
            case "ge": return Order(v, call) >= 0;
            default: throw call.Error($"test '{name}' is not supported");
        }
    }

    private static long Integer(object? v, JinjaCall call) => v switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        _ => throw call.Error($"{call.What} needs an integer, not '{JinjaOperations.TypeName(v)}'"),
    };

    private static int Order(object? v, JinjaCall call)
    {
        call.Check(1, "b");
        var other = call.Get(0, "b", null);
        return JinjaOperations.Compare(v, other)
            ?? throw call.Error($"{call.What}: cannot order '{JinjaOperations.TypeName(v)}' and '{JinjaOperations.TypeName(other)}'");
    }

    // Python 'is': none, booleans and small values by identity; containers by reference.
    private static bool Same(object? a, object? b) => a switch
    {
        null => b is null,
        bool x => b is bool y && x == y,
        long x => b is long y && x == y,
        _ => ReferenceEquals(a, b),
    };
}
