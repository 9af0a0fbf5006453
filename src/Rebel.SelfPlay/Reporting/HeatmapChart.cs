using System.Globalization;
using System.Net;
using System.Text;

namespace Rebel.SelfPlay.Reporting;

/// <summary>
/// An SVG heatmap of a square matrix with values in [0, 1] (a win-rate matrix: row player's rate against the column
/// player). Cells run from red (0) through white (½) to blue (1), each labelled with its value (white text on dark
/// cells); the diagonal and NaN cells are grey. Column labels are slanted above the matrix; the margins are sized from
/// the longest label so that no label overlaps the title or leaves the picture. A colour bar below explains the scale.
/// </summary>
internal static class HeatmapChart
{
    private const int Cell = 44, TitleHeight = 30, LabelLength = 28;
    internal const double CharWidth = 6.6;           // a generous average advance of 11 px sans-serif (the interval chart too)
    private const double Slant = 45 * Math.PI / 180; // column labels rise at 45°

    /// <summary>The SVG document for <paramref name="values"/>[i][j] with row and column labels <paramref name="labels"/>.</summary>
    /// <exception cref="ArgumentException">The matrix is not square or does not match the labels.</exception>
    public static string Render(string title, IReadOnlyList<string> labels, IReadOnlyList<IReadOnlyList<double>> values)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(values);
        int n = labels.Count;
        if (values.Count != n || values.Any(r => r.Count != n))
            throw new ArgumentException($"a heatmap of {n} labels needs a {n}×{n} matrix", nameof(values));
        var names = labels.Select(l => Short(l, LabelLength)).ToArray();
        double longest = names.Length == 0 ? 0 : names.Max(l => l.Length) * CharWidth;
        int left = (int)Math.Ceiling(Math.Max(60, longest + 14));
        int top = (int)Math.Ceiling(TitleHeight + longest * Math.Sin(Slant) + 12);
        // column label j starts above the middle of column j and runs up and to the right
        double reach = Enumerable.Range(0, n).Select(j => j * Cell + Cell / 2.0 + names[j].Length * CharWidth * Math.Cos(Slant)).DefaultIfEmpty(0).Max();
        int right = (int)Math.Ceiling(Math.Max(20, reach - n * Cell + 10));
        int legendTop = top + n * Cell + 16;
        int width = Math.Max(left + n * Cell + right, (int)(title.Length * 7.8) + 20), height = legendTop + 44;

        var inv = CultureInfo.InvariantCulture;
        var svg = new StringBuilder();
        svg.Append(inv, $"""<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="11">""").Append('\n');
        svg.Append(inv, $"""<rect width="{width}" height="{height}" fill="white"/>""").Append('\n');
        svg.Append(inv, $"""<text x="{width / 2}" y="20" text-anchor="middle" font-size="14">{Escape(title)}</text>""").Append('\n');
        for (int i = 0; i < n; i++)
        {
            int y = top + i * Cell, x = left + i * Cell;
            svg.Append(inv, $"""<text x="{left - 6}" y="{y + Cell / 2 + 4}" text-anchor="end">{Escape(names[i])}</text>""").Append('\n');
            svg.Append(inv, $"""<text transform="translate({x + Cell / 2 - 2},{top - 6}) rotate(-45)">{Escape(names[i])}</text>""").Append('\n');
        }
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double v = values[i][j];
                int x = left + j * Cell, y = top + i * Cell;
                svg.Append(inv, $"""<rect x="{x}" y="{y}" width="{Cell}" height="{Cell}" fill="{(i == j ? "#eeeeee" : Color(v))}" stroke="white"/>""").Append('\n');
                if (i != j && double.IsFinite(v))
                    svg.Append(inv, $"""<text x="{x + Cell / 2}" y="{y + Cell / 2 + 4}" text-anchor="middle" fill="{(Math.Abs(v - 0.5) > 0.3 ? "white" : "black")}">{v:0.00}</text>""").Append('\n');
            }
        Legend(svg, left, legendTop, Math.Max(n * Cell, 160));
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    // a colour bar from 0 (red) through ½ (white) to 1 (blue) under the matrix
    private static void Legend(StringBuilder svg, int x, int y, int width)
    {
        var inv = CultureInfo.InvariantCulture;
        svg.Append("""<defs><linearGradient id="rebel-heat" x1="0" x2="1" y1="0" y2="0">""")
           .Append(inv, $"""<stop offset="0" stop-color="{Color(0)}"/><stop offset="0.5" stop-color="{Color(0.5)}"/><stop offset="1" stop-color="{Color(1)}"/>""")
           .Append("</linearGradient></defs>\n");
        svg.Append(inv, $"""<rect x="{x}" y="{y}" width="{width}" height="10" fill="url(#rebel-heat)" stroke="#999999" stroke-width="0.5"/>""").Append('\n');
        svg.Append(inv, $"""<text x="{x}" y="{y + 24}" text-anchor="start">0 (row loses)</text>""").Append('\n');
        svg.Append(inv, $"""<text x="{x + width / 2}" y="{y + 24}" text-anchor="middle">½</text>""").Append('\n');
        svg.Append(inv, $"""<text x="{x + width}" y="{y + 24}" text-anchor="end">1 (row wins)</text>""").Append('\n');
    }

    /// <summary>Diverging colour: red at 0, white at ½, blue at 1; grey for NaN.</summary>
    internal static string Color(double v)
    {
        if (!double.IsFinite(v)) return "#dddddd";
        v = Math.Clamp(v, 0, 1);
        double t = Math.Abs(v - 0.5) * 2; // 0 at ½, 1 at the ends
        (int r, int g, int b) end = v < 0.5 ? (214, 39, 40) : (31, 119, 180);
        int Mix(int c) => (int)Math.Round(255 + (c - 255) * t);
        return $"#{Mix(end.r):x2}{Mix(end.g):x2}{Mix(end.b):x2}";
    }

    /// <summary>The label cut to at most <paramref name="max"/> characters, ending in "…" when cut.</summary>
    internal static string Short(string label, int max = 18) => label.Length <= max ? label : string.Concat(label.AsSpan(0, max - 1), "…");

    internal static string Escape(string text) => WebUtility.HtmlEncode(text);
}
