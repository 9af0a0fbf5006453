using System.Text;

namespace Rebel.Models.Chat.Jinja;

/// <summary>
/// A string value of the template language that remembers which of its characters came from message content.
/// Content characters must stay plain text when the rendered prompt becomes ids (no turn injection).
/// </summary>
/// <remarks>Provenance rules: concatenation and substrings (slicing, strip, split, indexing) keep each character's
/// origin; any other operation that builds new text (upper, replace, tojson, format) marks its whole result as
/// content if any of its inputs had content — content wins, so a special token can never be made out of content.
/// Equality, ordering and hashing look at the text only.</remarks>
internal sealed class JinjaString : IEquatable<JinjaString>
{
    // Sorted, disjoint, non-adjacent half-open ranges [start, end) of content characters; empty when none.
    private readonly (int Start, int End)[] _content;

    private JinjaString(string text, (int, int)[] content)
    {
        Text = text;
        _content = content;
    }

    public static readonly JinjaString Empty = new("", []);

    public string Text { get; }

    public int Length => Text.Length;

    public bool HasContent => _content.Length > 0;

    public IReadOnlyList<(int Start, int End)> ContentRanges => _content;

    /// <summary>Template text (literals, names, numbers turned to text).</summary>
    public static JinjaString Plain(string text) => text.Length == 0 ? Empty : new(text, []);

    /// <summary>Message content: every character is content.</summary>
    public static JinjaString Content(string text) => text.Length == 0 ? Empty : new(text, [(0, text.Length)]);

    /// <summary>New text derived from <paramref name="sources"/>: all content if any source had content.</summary>
    public static JinjaString Derived(string text, params ReadOnlySpan<JinjaString?> sources)
    {
        foreach (var s in sources)
            if (s is { HasContent: true }) return Content(text);
        return Plain(text);
    }

    public static JinjaString Concat(JinjaString a, JinjaString b)
    {
        if (b.Length == 0) return a;
        if (a.Length == 0) return b;
        var ranges = new List<(int, int)>(a._content.Length + b._content.Length);
        ranges.AddRange(a._content);
        foreach (var (s, e) in b._content) AddRange(ranges, s + a.Length, e + a.Length);
        return new JinjaString(a.Text + b.Text, ranges.ToArray());
    }

    /// <summary>Characters <c>[start, start + length)</c>, keeping their origin.</summary>
    public JinjaString Substring(int start, int length)
    {
        if (start == 0 && length == Text.Length) return this;
        if (length == 0) return Empty;
        int end = start + length;
        var ranges = new List<(int, int)>();
        foreach (var (s, e) in _content)
        {
            int lo = Math.Max(s, start), hi = Math.Min(e, end);
            if (lo < hi) ranges.Add((lo - start, hi - start));
        }
        return new JinjaString(Text.Substring(start, length), ranges.ToArray());
    }

    /// <summary>True when character <paramref name="index"/> came from message content.</summary>
    public bool IsContentAt(int index)
    {
        foreach (var (s, e) in _content)
            if (index >= s && index < e) return true;
        return false;
    }

    private static void AddRange(List<(int Start, int End)> ranges, int start, int end)
    {
        if (ranges.Count > 0 && ranges[^1].End == start) ranges[^1] = (ranges[^1].Start, end);
        else ranges.Add((start, end));
    }

    public bool Equals(JinjaString? other) => other is not null && string.Equals(Text, other.Text, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is JinjaString s && Equals(s);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Text);

    public override string ToString() => Text;

    /// <summary>Builds a string piece by piece, keeping each piece's origin.</summary>
    internal sealed class Builder
    {
        private readonly StringBuilder _text = new();
        private readonly List<(int Start, int End)> _ranges = [];

        public int Length => _text.Length;

        public void Append(JinjaString s)
        {
            int offset = _text.Length;
            _text.Append(s.Text);
            foreach (var (st, e) in s._content) AddRange(_ranges, st + offset, e + offset);
        }

        public JinjaString ToJinjaString() => _text.Length == 0 ? Empty : new(_text.ToString(), _ranges.ToArray());
    }
}
