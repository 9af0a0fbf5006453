namespace Rebel.Models.Chat.Jinja;

/// <summary>A template's text and name; turns an offset into a 1-based line and column for error messages.</summary>
internal sealed class JinjaSource
{
    private readonly int[] _lineStarts;

    public JinjaSource(string name, string text)
    {
        Name = name;
        Text = text;
        var starts = new List<int> { 0 };
        for (int i = 0; i < text.Length; i++)
            if (text[i] == '\n') starts.Add(i + 1);
        _lineStarts = starts.ToArray();
    }

    public string Name { get; }

    public string Text { get; }

    public (int Line, int Column) Locate(int index)
    {
        int line = Array.BinarySearch(_lineStarts, index);
        if (line < 0) line = ~line - 1;
        return (line + 1, index - _lineStarts[line] + 1);
    }

    public ChatTemplateException Error(int index, string problem, Exception? inner = null)
    {
        var (line, column) = Locate(index);
        return new ChatTemplateException(Name, line, column, problem, inner);
    }
}
