namespace Rebel.Models.Chat.Jinja;

/// <summary>The global functions chat templates may call: <c>raise_exception(message)</c> (as transformers defines
/// it: rendering stops with that message), <c>namespace(...)</c>, <c>range(...)</c> and <c>dict(...)</c>.
/// <c>strftime_now</c> is deliberately undefined: a prompt must not depend on the clock.</summary>
internal static class JinjaGlobals
{
    public static IEnumerable<JinjaFunction> Create(JinjaSource source)
    {
        yield return new JinjaFunction("raise_exception", call =>
        {
            call.Check(1);
            throw call.Error($"raise_exception: {JinjaOperations.ToText(call.Get(0, "", JinjaString.Empty))}");
        });
        yield return new JinjaFunction("namespace", call =>
        {
            call.Check(1, call.Keyword.Select(k => k.Name).ToArray());
            var ns = new JinjaNamespace();
            if (call.Positional.Count == 1)
            {
                if (call.Positional[0] is not JinjaDict init) throw call.Error("namespace() takes keyword arguments or one dict");
                foreach (var (k, v) in init.Entries)
                    ns.Attributes[k is JinjaString s ? s.Text : throw call.Error("namespace() keys must be strings")] = v;
            }
            foreach (var (name, value) in call.Keyword) ns.Attributes[name] = value;
            return ns;
        });
        yield return new JinjaFunction("dict", call =>
        {
            call.Check(0, call.Keyword.Select(k => k.Name).ToArray());
            var d = new JinjaDict();
            foreach (var (name, value) in call.Keyword) d.Set(JinjaString.Plain(name), value);
            return d;
        });
        yield return new JinjaFunction("range", call =>
        {
            call.Check(3);
            var args = call.Positional.Select(a => a is long l ? l : throw call.Error($"range() takes integers, not '{JinjaOperations.TypeName(a)}'")).ToArray();
            var (start, stop, step) = args.Length switch
            {
                1 => (0L, args[0], 1L),
                2 => (args[0], args[1], 1L),
                3 => (args[0], args[1], args[2]),
                _ => throw call.Error("range() takes 1 to 3 integers"),
            };
            if (step == 0) throw call.Error("range() step cannot be zero");
            var items = new List<object?>();
            for (long i = start; step > 0 ? i < stop : i > stop; i += step)
            {
                if (items.Count >= JinjaInterpreter.MaxIterations) throw call.Error($"range() longer than {JinjaInterpreter.MaxIterations}");
                items.Add(i);
            }
            return new JinjaList(items);
        });
    }
}
