using System.Globalization;
using System.Text;

namespace Rebel.Models.Chat.Jinja;

/// <summary>Python semantics of the template's values: truth, str(), repr(), equality, ordering, arithmetic.</summary>
internal static class JinjaOperations
{
    public static string TypeName(object? v) => v switch
    {
        null => "NoneType",
        JinjaUndefined => "undefined",
        bool => "bool",
        long => "int",
        double => "float",
        JinjaString => "str",
        JinjaList { IsTuple: true } => "tuple",
        JinjaList => "list",
        JinjaDict => "dict",
        JinjaNamespace => "Namespace",
        JinjaLoop => "LoopContext",
        JinjaFunction => "function",
        _ => v.GetType().Name,
    };

    public static bool IsTruthy(object? v) => v switch
    {
        null or JinjaUndefined => false,
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        JinjaString s => s.Length > 0,
        JinjaList l => l.Count > 0,
        JinjaDict d => d.Count > 0,
        _ => true,
    };

    /// <summary>Python's whitespace for str.strip()/split(): .NET's plus U+001C–U+001F.</summary>
    public static bool IsPythonWhiteSpace(char c) => char.IsWhiteSpace(c) || c is >= '\x1c' and <= '\x1f';

    /// <summary>str(v) as Python prints it, keeping the origin of string characters.</summary>
    public static JinjaString ToJinjaString(object? v) => v switch
    {
        JinjaString s => s,
        JinjaUndefined => JinjaString.Empty,
        JinjaList or JinjaDict => JinjaString.Derived(Repr(v), ContentOf(v)),
        _ => JinjaString.Plain(ToText(v)),
    };

    public static string ToText(object? v) => v switch
    {
        null => "None",
        JinjaUndefined => "",
        bool b => b ? "True" : "False",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => FormatFloat(d),
        JinjaString s => s.Text,
        JinjaList or JinjaDict => Repr(v),
        JinjaNamespace => "<Namespace>",
        JinjaLoop => "<LoopContext>",
        JinjaFunction f => $"<function {f.Name}>",
        _ => v.ToString() ?? "",
    };

    /// <summary>A string holding some content if any string inside <paramref name="v"/> does (for provenance).</summary>
    public static JinjaString? ContentOf(object? v)
    {
        switch (v)
        {
            case JinjaString { HasContent: true } s: return s;
            case JinjaList l:
                foreach (var item in l.Items)
                    if (ContentOf(item) is { } c) return c;
                return null;
            case JinjaDict d:
                foreach (var (k, value) in d.Entries)
                    if ((ContentOf(k) ?? ContentOf(value)) is { } c) return c;
                return null;
            case JinjaNamespace ns:
                foreach (var value in ns.Attributes.Values)
                    if (ContentOf(value) is { } c) return c;
                return null;
            default: return null;
        }
    }

    public static string FormatFloat(double d)
    {
        if (double.IsNaN(d)) return "nan";
        if (double.IsPositiveInfinity(d)) return "inf";
        if (double.IsNegativeInfinity(d)) return "-inf";
        if (d == Math.Floor(d) && Math.Abs(d) < 1e16) return d.ToString("0.0", CultureInfo.InvariantCulture);
        return d.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e");
    }

    public static string Repr(object? v)
    {
        switch (v)
        {
            case JinjaString s: return ReprString(s.Text);
            case JinjaList l:
                var items = string.Join(", ", l.Items.Select(Repr));
                return l.IsTuple ? (l.Count == 1 ? $"({items},)" : $"({items})") : $"[{items}]";
            case JinjaDict d:
                return "{" + string.Join(", ", d.Entries.Select(e => $"{Repr(e.Key)}: {Repr(e.Value)}")) + "}";
            default: return ToText(v);
        }
    }

    private static string ReprString(string s)
    {
        char quote = s.Contains('\'') && !s.Contains('"') ? '"' : '\'';
        var sb = new StringBuilder().Append(quote);
        foreach (char c in s)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c == quote) sb.Append('\\').Append(c);
                    else if (c < 0x20 || c == 0x7f) sb.Append($"\\x{(int)c:x2}");
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append(quote).ToString();
    }

    public static bool IsNumber(object? v) => v is long or double or bool;

    private static double AsDouble(object v) => v switch { long l => l, double d => d, bool b => b ? 1 : 0, _ => double.NaN };

    private static long AsLong(object v) => v switch { long l => l, bool b => b ? 1 : 0, _ => 0 };

    public static bool AreEqual(object? a, object? b)
    {
        if (a is null || b is null) return a is null && b is null;
        if (IsNumber(a) && IsNumber(b))
            return a is double || b is double ? AsDouble(a) == AsDouble(b) : AsLong(a) == AsLong(b);
        switch (a)
        {
            case JinjaUndefined: return b is JinjaUndefined;
            case JinjaString sa: return b is JinjaString sb && sa.Text == sb.Text;
            case JinjaList la:
                if (b is not JinjaList lb || la.IsTuple != lb.IsTuple || la.Count != lb.Count) return false;
                for (int i = 0; i < la.Count; i++)
                    if (!AreEqual(la.Items[i], lb.Items[i])) return false;
                return true;
            case JinjaDict da:
                if (b is not JinjaDict db || da.Count != db.Count) return false;
                foreach (var (k, v) in da.Entries)
                    if (!db.TryGet(k, out var other) || !AreEqual(v, other)) return false;
                return true;
            default: return ReferenceEquals(a, b);
        }
    }

    /// <summary>Python ordering: numbers, strings (by code point), lists/tuples lexicographically; else null.</summary>
    public static int? Compare(object? a, object? b)
    {
        if (a is not null && b is not null && IsNumber(a) && IsNumber(b))
            return a is double || b is double ? AsDouble(a).CompareTo(AsDouble(b)) : AsLong(a).CompareTo(AsLong(b));
        if (a is JinjaString sa && b is JinjaString sb) return Math.Sign(string.CompareOrdinal(sa.Text, sb.Text));
        if (a is JinjaList la && b is JinjaList lb && la.IsTuple == lb.IsTuple)
        {
            for (int i = 0; i < Math.Min(la.Count, lb.Count); i++)
            {
                if (AreEqual(la.Items[i], lb.Items[i])) continue;
                return Compare(la.Items[i], lb.Items[i]);
            }
            return la.Count.CompareTo(lb.Count);
        }
        return null;
    }

    /// <summary><c>needle in haystack</c>: substring, list membership or dict key.</summary>
    public static bool? Contains(object? haystack, object? needle) => haystack switch
    {
        JinjaString s => needle is JinjaString n ? s.Text.Contains(n.Text, StringComparison.Ordinal) : null,
        JinjaList l => l.Items.Any(x => AreEqual(x, needle)),
        JinjaDict d => needle is not null && d.TryGet(needle, out _),
        _ => null,
    };

    /// <summary>Arithmetic as Python does it; null when the operand types do not support the operator.</summary>
    public static object? Arithmetic(string op, object? a, object? b)
    {
        if (op == "+" && a is JinjaString sa && b is JinjaString sb) return JinjaString.Concat(sa, sb);
        if (op == "+" && a is JinjaList la && b is JinjaList lb && la.IsTuple == lb.IsTuple)
            return new JinjaList([.. la.Items, .. lb.Items], la.IsTuple);
        if (op == "*" && (a is JinjaString || b is JinjaString) && (a is long || b is long))
        {
            var (s, n) = a is JinjaString x ? (x, (long)b!) : ((JinjaString)b!, (long)a!);
            var builder = new JinjaString.Builder();
            for (long i = 0; i < n; i++) builder.Append(s);
            return builder.ToJinjaString();
        }
        if (a is null || b is null || !IsNumber(a) || !IsNumber(b)) return null;
        if (a is double || b is double || op == "/")
        {
            double x = AsDouble(a), y = AsDouble(b);
            return op switch
            {
                "+" => (object)(x + y),
                "-" => x - y,
                "*" => x * y,
                "/" => y == 0 ? throw new DivideByZeroException() : x / y,
                "//" => y == 0 ? throw new DivideByZeroException() : Math.Floor(x / y),
                "%" => y == 0 ? throw new DivideByZeroException() : x - y * Math.Floor(x / y),
                "**" => Math.Pow(x, y),
                _ => null,
            };
        }
        long p = AsLong(a), q = AsLong(b);
        checked
        {
            return op switch
            {
                "+" => (object)(p + q),
                "-" => p - q,
                "*" => p * q,
                "//" => q == 0 ? throw new DivideByZeroException() : FloorDiv(p, q),
                "%" => q == 0 ? throw new DivideByZeroException() : p - q * FloorDiv(p, q),
                "**" => q < 0 ? Math.Pow(p, q) : (object)IntPow(p, q),
                _ => null,
            };
        }
    }

    private static long FloorDiv(long p, long q)
    {
        long d = p / q;
        return (p % q != 0) && ((p < 0) != (q < 0)) ? d - 1 : d;
    }

    private static long IntPow(long b, long e)
    {
        if (b is 0 or 1) return e == 0 ? 1 : b;
        if (b == -1) return e % 2 == 0 ? 1 : -1;
        long r = 1;
        checked
        {
            for (long i = 0; i < e; i++) r *= b;
        }
        return r;
    }
}
