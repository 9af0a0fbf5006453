using System.Buffers;

namespace Rebel.Models.Tokenization;

/// <summary>Finds occurrences of special tokens' contents in text: leftmost first, the longest one at a position.</summary>
internal sealed class SpecialTokenMatcher
{
    private readonly SearchValues<string>? _values;
    private readonly string[] _longestFirst;

    public SpecialTokenMatcher(IEnumerable<string> contents)
    {
        _longestFirst = contents.OrderByDescending(s => s.Length).ThenBy(s => s, StringComparer.Ordinal).ToArray();
        if (_longestFirst.Length > 0) _values = SearchValues.Create(_longestFirst, StringComparison.Ordinal);
    }

    /// <summary>The contents, longest first (ties in ordinal order).</summary>
    public IReadOnlyList<string> LongestFirst => _longestFirst;

    /// <summary>True with the position and content of the first special token in <paramref name="text"/>.</summary>
    public bool TryFindNext(ReadOnlySpan<char> text, out int index, out string content)
    {
        content = "";
        index = _values is null ? -1 : text.IndexOfAny(_values);
        if (index < 0) return false;
        var rest = text[index..];
        foreach (var candidate in _longestFirst)
        {
            if (rest.StartsWith(candidate, StringComparison.Ordinal))
            {
                content = candidate;
                return true;
            }
        }
        throw new InvalidOperationException("SearchValues matched a position where no special token starts.");
    }
}
