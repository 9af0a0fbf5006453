namespace Rebel.Models.Chat.Jinja;

/// <summary>
/// Methods called on values: on strings strip, lstrip, rstrip, startswith, endswith, split, rsplit, splitlines,
/// upper, lower, title, capitalize, replace, find, rfind, count, join, isdigit, isalpha, isalnum, isspace, islower,
/// isupper; on dicts items, keys, values, get. Python semantics; substrings keep their origin (see
/// <see cref="JinjaString"/>).
/// </summary>
internal static class JinjaMethods
{
    private static readonly HashSet<string> StringMethods =
    [
        "strip", "lstrip", "rstrip", "startswith", "endswith", "split", "rsplit", "splitlines", "upper", "lower", "title",
        "capitalize", "replace", "find", "rfind", "count", "join", "isdigit", "isalpha", "isalnum", "isspace", "islower", "isupper",
    ];

    private static readonly HashSet<string> DictMethods = ["items", "keys", "values", "get"];

    public static bool Exists(object? target, string name) => target switch
    {
        JinjaString => StringMethods.Contains(name),
        JinjaDict => DictMethods.Contains(name),
        _ => false,
    };

    public static object? Call(object? target, string name, JinjaCall call) => target switch
    {
        JinjaString s => CallString(s, name, call),
        JinjaDict d => CallDict(d, name, call),
        _ => throw call.Error($"a '{JinjaOperations.TypeName(target)}' has no method '{name}'"),
    };

    private static object? CallDict(JinjaDict d, string name, JinjaCall call)
    {
        switch (name)
        {
            case "items":
                call.Check(0);
                return new JinjaList(d.Entries.Select(e => (object?)new JinjaList([e.Key, e.Value], isTuple: true)).ToList());
            case "keys": call.Check(0); return new JinjaList(d.Entries.Select(e => (object?)e.Key).ToList());
            case "values": call.Check(0); return new JinjaList(d.Entries.Select(e => e.Value).ToList());
            default:
                call.Check(2);
                if (call.Positional.Count == 0) throw call.Error("get() needs a key");
                var key = call.Positional[0];
                return key is not null && d.TryGet(key, out var v) ? v : call.Get(1, "", null);
        }
    }

    private static object? CallString(JinjaString s, string name, JinjaCall call)
    {
        switch (name)
        {
            case "strip": call.Check(1); return Strip(s, call.Get(0, "", null), true, true, call);
            case "lstrip": call.Check(1); return Strip(s, call.Get(0, "", null), true, false, call);
            case "rstrip": call.Check(1); return Strip(s, call.Get(0, "", null), false, true, call);
            case "startswith" or "endswith":
                call.Check(1);
                var affix = call.Get(0, "", null);
                var options = affix switch
                {
                    JinjaString a => [a.Text],
                    JinjaList { IsTuple: true } t => t.Items.Select(i => i is JinjaString x ? x.Text : throw call.Error($"{name}() takes strings")).ToArray(),
                    _ => throw call.Error($"{name}() takes a string or a tuple of strings, not '{JinjaOperations.TypeName(affix)}'"),
                };
                return options.Any(o => name == "startswith" ? s.Text.StartsWith(o, StringComparison.Ordinal) : s.Text.EndsWith(o, StringComparison.Ordinal));
            case "split" or "rsplit": return Split(s, call, fromRight: name == "rsplit");
            case "splitlines":
                call.Check(0);
                var lines = new List<object?>();
                int start = 0;
                for (int i = 0; i < s.Length; i++)
                {
                    if (s.Text[i] is not ('\n' or '\r')) continue;
                    lines.Add(s.Substring(start, i - start));
                    if (s.Text[i] == '\r' && i + 1 < s.Length && s.Text[i + 1] == '\n') i++;
                    start = i + 1;
                }
                if (start < s.Length) lines.Add(s.Substring(start, s.Length - start));
                return new JinjaList(lines);
            case "upper": call.Check(0); return JinjaString.Derived(s.Text.ToUpperInvariant(), s);
            case "lower": call.Check(0); return JinjaString.Derived(s.Text.ToLowerInvariant(), s);
            case "title": call.Check(0); return Title(s);
            case "capitalize":
                call.Check(0);
                return JinjaString.Derived(s.Length == 0 ? "" : char.ToUpperInvariant(s.Text[0]) + s.Text[1..].ToLowerInvariant(), s);
            case "replace":
                call.Check(3);
                return Replace(s, call.Get(0, "", null), call.Get(1, "", null), call.Get(2, "", null), call);
            case "find": call.Check(1); return (long)s.Text.IndexOf(Arg(call, 0, name), StringComparison.Ordinal);
            case "rfind": call.Check(1); return (long)s.Text.LastIndexOf(Arg(call, 0, name), StringComparison.Ordinal);
            case "count":
                call.Check(1);
                var sub = Arg(call, 0, name);
                if (sub.Length == 0) return (long)s.Length + 1;
                long n = 0;
                for (int at = s.Text.IndexOf(sub, StringComparison.Ordinal); at >= 0; at = s.Text.IndexOf(sub, at + sub.Length, StringComparison.Ordinal)) n++;
                return n;
            case "join":
                call.Check(1);
                if (call.Get(0, "", null) is not JinjaList items) throw call.Error("join() takes a list of strings");
                var builder = new JinjaString.Builder();
                for (int i = 0; i < items.Count; i++)
                {
                    if (i > 0) builder.Append(s);
                    builder.Append(items.Items[i] as JinjaString ?? throw call.Error($"join(): item {i} is a '{JinjaOperations.TypeName(items.Items[i])}', not a string"));
                }
                return builder.ToJinjaString();
            case "isdigit": call.Check(0); return s.Length > 0 && s.Text.All(char.IsDigit);
            case "isalpha": call.Check(0); return s.Length > 0 && s.Text.All(char.IsLetter);
            case "isalnum": call.Check(0); return s.Length > 0 && s.Text.All(char.IsLetterOrDigit);
            case "isspace": call.Check(0); return s.Length > 0 && s.Text.All(JinjaOperations.IsPythonWhiteSpace);
            case "islower": call.Check(0); return s.Text.Any(char.IsLetter) && s.Text == s.Text.ToLowerInvariant();
            default: call.Check(0); return s.Text.Any(char.IsLetter) && s.Text == s.Text.ToUpperInvariant(); // isupper
        }
    }

    private static string Arg(JinjaCall call, int i, string method) =>
        call.Get(i, "", null) is JinjaString a ? a.Text : throw call.Error($"{method}() takes a string argument");

    /// <summary>Python's str.strip/lstrip/rstrip: whitespace, or any of <paramref name="chars"/> when given.</summary>
    public static JinjaString Strip(JinjaString s, object? chars, bool left, bool right, JinjaCall call)
    {
        string? set = chars switch
        {
            null or JinjaUndefined => null,
            JinjaString c => c.Text,
            _ => throw call.Error($"strip characters must be a string, not '{JinjaOperations.TypeName(chars)}'"),
        };
        bool Strippable(char c) => set is null ? JinjaOperations.IsPythonWhiteSpace(c) : set.Contains(c);
        int start = 0, end = s.Length;
        if (left) while (start < end && Strippable(s.Text[start])) start++;
        if (right) while (end > start && Strippable(s.Text[end - 1])) end--;
        return s.Substring(start, end - start);
    }

    public static JinjaString Replace(JinjaString s, object? oldValue, object? newValue, object? count, JinjaCall call)
    {
        if (oldValue is not JinjaString o || newValue is not JinjaString n)
            throw call.Error("replace() takes two strings");
        long limit = count switch
        {
            null or JinjaUndefined => long.MaxValue,
            long c => c < 0 ? long.MaxValue : c,
            _ => throw call.Error("replace(): count must be an integer"),
        };
        var builder = new JinjaString.Builder();
        int pos = 0;
        long done = 0;
        if (o.Length == 0)
        {
            // Python inserts the replacement before every character and at the end.
            for (; pos <= s.Length && done < limit; pos++, done++)
            {
                builder.Append(n);
                if (pos < s.Length) builder.Append(s.Substring(pos, 1));
            }
            if (pos < s.Length) builder.Append(s.Substring(pos, s.Length - pos));
            return builder.ToJinjaString();
        }
        while (done < limit)
        {
            int at = s.Text.IndexOf(o.Text, pos, StringComparison.Ordinal);
            if (at < 0) break;
            builder.Append(s.Substring(pos, at - pos));
            // The replacement is new text standing where the old one was: content if either was content.
            builder.Append(s.Substring(at, o.Length).HasContent ? JinjaString.Content(n.Text) : n);
            pos = at + o.Length;
            done++;
        }
        builder.Append(s.Substring(pos, s.Length - pos));
        return builder.ToJinjaString();
    }

    public static JinjaString Title(JinjaString s)
    {
        var chars = s.Text.ToCharArray();
        bool previousIsLetter = false;
        for (int i = 0; i < chars.Length; i++)
        {
            bool letter = char.IsLetter(chars[i]);
            chars[i] = letter && !previousIsLetter ? char.ToUpperInvariant(chars[i]) : char.ToLowerInvariant(chars[i]);
            previousIsLetter = letter;
        }
        return JinjaString.Derived(new string(chars), s);
    }

    private static JinjaList Split(JinjaString s, JinjaCall call, bool fromRight)
    {
        call.Check(2, "sep", "maxsplit");
        var sepValue = call.Get(0, "sep", null);
        long maxSplit = call.Get(1, "maxsplit", -1L) is long m ? m : throw call.Error("split(): maxsplit must be an integer");
        if (maxSplit < 0) maxSplit = long.MaxValue;
        var parts = new List<object?>();
        if (sepValue is null or JinjaUndefined)
        {
            // Runs of whitespace separate; empty strings are dropped.
            var spans = new List<(int, int)>();
            int i = 0;
            while (i < s.Length)
            {
                while (i < s.Length && JinjaOperations.IsPythonWhiteSpace(s.Text[i])) i++;
                if (i == s.Length) break;
                int start = i;
                while (i < s.Length && !JinjaOperations.IsPythonWhiteSpace(s.Text[i])) i++;
                spans.Add((start, i));
            }
            if (spans.Count - 1 > maxSplit)
            {
                // Keep maxSplit splits from the chosen side; the remainder keeps its inner whitespace.
                if (!fromRight)
                {
                    int restStart = spans[(int)maxSplit].Item1;
                    int restEnd = spans[^1].Item2;
                    spans = [.. spans.Take((int)maxSplit), (restStart, restEnd)];
                }
                else
                {
                    int keep = (int)maxSplit;
                    int restEnd = spans[spans.Count - keep - 1].Item2;
                    spans = [(spans[0].Item1, restEnd), .. spans.Skip(spans.Count - keep)];
                }
            }
            foreach (var (a, b) in spans) parts.Add(s.Substring(a, b - a));
            return new JinjaList(parts);
        }
        if (sepValue is not JinjaString sep) throw call.Error($"split(): separator must be a string, not '{JinjaOperations.TypeName(sepValue)}'");
        if (sep.Length == 0) throw call.Error("split(): empty separator");
        var cuts = new List<int>();
        for (int at = s.Text.IndexOf(sep.Text, StringComparison.Ordinal); at >= 0; at = s.Text.IndexOf(sep.Text, at + sep.Length, StringComparison.Ordinal))
            cuts.Add(at);
        if (cuts.Count > maxSplit) cuts = fromRight ? cuts.Skip(cuts.Count - (int)maxSplit).ToList() : cuts.Take((int)maxSplit).ToList();
        int from = 0;
        foreach (int cut in cuts)
        {
            parts.Add(s.Substring(from, cut - from));
            from = cut + sep.Length;
        }
        parts.Add(s.Substring(from, s.Length - from));
        return new JinjaList(parts);
    }
}
