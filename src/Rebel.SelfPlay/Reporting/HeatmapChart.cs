using System.Globalization;
using System.Net;
using System.Text;

namespace Rebel.SelfPlay.Reporting;

/// <summary>
/// An SVG heatmap of a square matrix with values in [0, 1] (a win-rate matrix: row player's rate against the column
/// player). Cells run from red (0) through white (½) to blue (1), each labelled with its value; NaN cells are grey.
/// </summary>
public static class HeatmapChart
{
    private const int Cell = 44, Left = 130, Top = 110;

    /// <summary>The SVG document for <paramref name="values"/>[i][j] with row and column labels <paramref name="labels"/>.</summary>
    /// <exception cref="ArgumentException">The matrix is not square or does not match the labels.</exception>
    public static string Render(string title, IReadOnlyList<string> labels, IReadOnlyList<IReadOnlyList<double>> values)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(values);
        int n = labels.Count;
        if (values.Count != n || values.Any(r => r.Count != n))
            throw new ArgumentException($"a heatmap of {n} labels needs a {n}×{n} matrix", nameof(values));
        int width = Left + n * Cell + 20, height = Top + n * Cell + 20;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"""<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="11">""").Append('\n');
        svg.Append(CultureInfo.InvariantCulture, $"""<rect width="{width}" height="{height}" fill="white"/>""").Append('\n');
        svg.Append(CultureInfo.InvariantCulture, $"""<text x="{width / 2}" y="18" text-anchor="middle" font-size="14">{Escape(title)}</text>""").Append('\n');
        for (int i = 0; i < n; i++)
        {
            int y = Top + i * Cell, x = Left + i * Cell;
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{Left - 6}" y="{y + Cell / 2 + 4}" text-anchor="end">{Escape(Short(labels[i]))}</text>""").Append('\n');
            svg.Append(CultureInfo.InvariantCulture, $"""<text transform="translate({x + Cell / 2 + 4},{Top - 6}) rotate(-60)">{Escape(Short(labels[i]))}</text>""").Append('\n');
        }
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double v = values[i][j];
                int x = Left + j * Cell, y = Top + i * Cell;
                svg.Append(CultureInfo.InvariantCulture, $"""<rect x="{x}" y="{y}" width="{Cell}" height="{Cell}" fill="{Color(v)}" stroke="white"/>""").Append('\n');
                if (i != j && double.IsFinite(v))
                    svg.Append(CultureInfo.InvariantCulture, $"""<text x="{x + Cell / 2}" y="{y + Cell / 2 + 4}" text-anchor="middle">{v:0.00}</text>""").Append('\n');
            }
        svg.Append("</svg>\n");
        return svg.ToString();
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

    internal static string Short(string label) => label.Length <= 18 ? label : string.Concat(label.AsSpan(0, 17), "…");

    internal static string Escape(string text) => WebUtility.HtmlEncode(text);
}
