using System.Globalization;
using System.Text;

namespace Rebel.Models.Chat.Jinja;

/// <summary>The <c>tojson</c> filter as transformers defines it: Python's <c>json.dumps(value, ensure_ascii=False,
/// indent=indent, separators=separators, sort_keys=sort_keys)</c>. Separators default to <c>", "</c> and <c>": "</c>,
/// or <c>","</c> and <c>": "</c> with an indent; keys keep their order unless sorted.</summary>
internal static class JinjaJson
{
    public static string Serialize(object? value, int? indent, string itemSeparator, string keySeparator, bool sortKeys, JinjaCall call)
    {
        var sb = new StringBuilder();
        Write(sb, value, indent, itemSeparator, keySeparator, sortKeys, 0, call);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, object? v, int? indent, string itemSep, string keySep, bool sortKeys, int depth, JinjaCall call)
    {
        if (depth > 100) throw call.Error("tojson: value nested more than 100 levels deep");
        switch (v)
        {
            case null: sb.Append("null"); break;
            case bool b: sb.Append(b ? "true" : "false"); break;
            case long l: sb.Append(l.ToString(CultureInfo.InvariantCulture)); break;
            case double d:
                sb.Append(double.IsNaN(d) ? "NaN" : double.IsPositiveInfinity(d) ? "Infinity" : double.IsNegativeInfinity(d) ? "-Infinity"
                    : JinjaOperations.FormatFloat(d));
                break;
            case JinjaString s: WriteString(sb, s.Text); break;
            case JinjaList list:
                WriteContainer(sb, '[', ']', list.Items.Count, indent, itemSep, depth, i =>
                    Write(sb, list.Items[i], indent, itemSep, keySep, sortKeys, depth + 1, call));
                break;
            case JinjaDict dict:
                var entries = dict.Entries.ToList();
                foreach (var (k, _) in entries)
                    if (k is not JinjaString && !JinjaOperations.IsNumber(k) && k is not null)
                        throw call.Error($"tojson: keys must be str, int, float, bool or None, not {JinjaOperations.TypeName(k)}");
                if (sortKeys)
                    entries.Sort((x, y) => string.CompareOrdinal(JinjaOperations.ToText(x.Key), JinjaOperations.ToText(y.Key)));
                WriteContainer(sb, '{', '}', entries.Count, indent, itemSep, depth, i =>
                {
                    var key = entries[i].Key;
                    WriteString(sb, key switch { null => "null", bool b => b ? "true" : "false", _ => JinjaOperations.ToText(key) });
                    sb.Append(keySep);
                    Write(sb, entries[i].Value, indent, itemSep, keySep, sortKeys, depth + 1, call);
                });
                break;
            default:
                throw call.Error($"tojson: a value of type '{JinjaOperations.TypeName(v)}' is not JSON serializable");
        }
    }

    private static void WriteContainer(StringBuilder sb, char open, char close, int count, int? indent, string itemSep, int depth, Action<int> writeItem)
    {
        sb.Append(open);
        if (count == 0)
        {
            sb.Append(close);
            return;
        }
        for (int i = 0; i < count; i++)
        {
            if (i > 0) sb.Append(itemSep);
            if (indent is { } n) sb.Append('\n').Append(' ', n * (depth + 1));
            writeItem(i);
        }
        if (indent is { } m) sb.Append('\n').Append(' ', m * depth);
        sb.Append(close);
    }

    private static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20) sb.Append($"\\u{(int)c:x4}");
                    else sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }
}
