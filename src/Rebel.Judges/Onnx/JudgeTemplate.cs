using System.Text;

namespace Rebel.Judges.Onnx;

/// <summary>
/// A judge's input template such as <c>{prompt}{completion}</c>, parsed once into literal text and placeholders and
/// rendered in one pass, so a prompt that itself contains <c>{completion}</c> is never substituted twice.
/// </summary>
internal sealed class JudgeTemplate
{
    private readonly (string Text, bool IsPlaceholder)[] _parts;

    public JudgeTemplate(string template, IReadOnlyCollection<string> names)
    {
        var parts = new List<(string, bool)>();
        int literalStart = 0;
        for (int i = 0; i < template.Length; i++)
        {
            if (template[i] != '{') continue;
            foreach (var name in names)
            {
                if (string.CompareOrdinal(template, i + 1, name, 0, name.Length) != 0
                    || i + 1 + name.Length >= template.Length || template[i + 1 + name.Length] != '}') continue;
                if (i > literalStart) parts.Add((template[literalStart..i], false));
                parts.Add((name, true));
                i += name.Length + 1;
                literalStart = i + 1;
                break;
            }
        }
        if (literalStart < template.Length) parts.Add((template[literalStart..], false));
        _parts = [.. parts];
    }

    /// <summary>The template with each placeholder replaced by <paramref name="values"/>[name].</summary>
    public string Render(IReadOnlyDictionary<string, string> values)
    {
        var text = new StringBuilder();
        foreach (var (part, isPlaceholder) in _parts) text.Append(isPlaceholder ? values[part] : part);
        return text.ToString();
    }
}
