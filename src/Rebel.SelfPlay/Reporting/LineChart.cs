using System.Globalization;
using System.Text;

namespace Rebel.SelfPlay.Reporting;

/// <summary>
/// An SVG line chart of several named series over a shared x axis (iterations against loss, win rate or
/// exploitability), with axis labels, a legend to the right of the plot, and an optional logarithmic y axis.
/// </summary>
/// <remarks>
/// Linear axes get 1-2-5 ticks covering the data; a log y axis (base 10) gets one tick per decade (every
/// second or third decade when the data span many). The ranges come from the finite data unless
/// the yMin and yMax arguments fix them; points outside a fixed range are clipped to it.
/// </remarks>
internal static class LineChart
{
    private const int Left = 78, Top = 40, PlotWidth = 560, PlotHeight = 320, Bottom = 48, LegendGap = 16;
    private const double CharWidth = 6.4; // rough advance of an 11 px sans-serif character

    /// <summary>The default colours, used in order for series without their own (10 colours, then repeated).</summary>
    public static IReadOnlyList<string> Palette { get; } =
        ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    /// <summary>The SVG document for <paramref name="series"/>.</summary>
    /// <param name="title">Chart title.</param>
    /// <param name="xLabel">Label under the x axis.</param>
    /// <param name="yLabel">Label beside the y axis.</param>
    /// <param name="series">The lines, drawn in order (later ones on top) and listed in the legend in order.</param>
    /// <param name="logY">Logarithmic (base 10) y axis; points with y ≤ 0 are not drawn.</param>
    /// <param name="yMin">Bottom of the y axis (null: from the data). Must be &gt; 0 when <paramref name="logY"/>.</param>
    /// <param name="yMax">Top of the y axis (null: from the data).</param>
    /// <exception cref="ArgumentException">No series; a series whose X and Y lengths differ (its name and both
    /// lengths are given); yMin ≥ yMax; or yMin ≤ 0 on a log axis.</exception>
    public static string Render(string title, string xLabel, string yLabel, IReadOnlyList<LineSeries> series,
        bool logY = false, double? yMin = null, double? yMax = null)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(xLabel);
        ArgumentNullException.ThrowIfNull(yLabel);
        ArgumentNullException.ThrowIfNull(series);
        if (series.Count == 0) throw new ArgumentException("A line chart needs at least one series.", nameof(series));
        foreach (var s in series)
        {
            ArgumentNullException.ThrowIfNull(s, nameof(series));
            if (s.X is null || s.Y is null || s.X.Count != s.Y.Count)
                throw new ArgumentException($"Series \"{s.Name}\" has {s.X?.Count} x values and {s.Y?.Count} y values.", nameof(series));
        }
        if (yMin is { } lo && yMax is { } hi && !(lo < hi))
            throw new ArgumentException($"yMin {lo} is not below yMax {hi}.", nameof(yMin));
        if (logY && yMin is { } floor && !(floor > 0))
            throw new ArgumentException($"yMin {floor} is not > 0 on a log axis.", nameof(yMin));

        bool Drawable(double x, double y) => double.IsFinite(x) && double.IsFinite(y) && (!logY || y > 0);
        var xs = new List<double>();
        var ys = new List<double>();
        foreach (var s in series)
            for (var i = 0; i < s.X.Count; i++)
                if (Drawable(s.X[i], s.Y[i])) { xs.Add(s.X[i]); ys.Add(s.Y[i]); }

        var xAxis = xs.Count > 0 ? LinearAxis(xs.Min(), xs.Max()) : LinearAxis(0, 1);
        var yAxis = logY
            ? LogAxis(yMin ?? (ys.Count > 0 ? ys.Min() : 1e-3), yMax ?? (ys.Count > 0 ? ys.Max() : 1))
            : LinearAxis(yMin ?? (ys.Count > 0 ? ys.Min() : 0), yMax ?? (ys.Count > 0 ? ys.Max() : 1), yMin.HasValue, yMax.HasValue);

        double Px(double x) => Left + (x - xAxis.Min) / (xAxis.Max - xAxis.Min) * PlotWidth;
        double Py(double y)
        {
            double u = logY ? (Math.Log10(y) - yAxis.Min) / (yAxis.Max - yAxis.Min) : (y - yAxis.Min) / (yAxis.Max - yAxis.Min);
            return Top + (1 - Math.Clamp(u, 0, 1)) * PlotHeight;
        }

        var legendWidth = (int)(36 + CharWidth * series.Max(s => s.Name.Length));
        int width = Left + PlotWidth + LegendGap + legendWidth + 10;
        int height = Math.Max(Top + PlotHeight + Bottom, Top + 18 * series.Count + 10);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"""<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="11">""").Append('\n');
        svg.Append(CultureInfo.InvariantCulture, $"""<rect width="{width}" height="{height}" fill="white"/>""").Append('\n');
        svg.Append(CultureInfo.InvariantCulture, $"""<text x="{Left + PlotWidth / 2}" y="22" text-anchor="middle" font-size="14">{HeatmapChart.Escape(title)}</text>""").Append('\n');

        // Grid and ticks.
        foreach (var t in xAxis.Ticks)
        {
            var x = Px(t);
            svg.Append(CultureInfo.InvariantCulture, $"""<line x1="{x:0.#}" y1="{Top}" x2="{x:0.#}" y2="{Top + PlotHeight}" stroke="#e6e6e6"/>""").Append('\n');
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{x:0.#}" y="{Top + PlotHeight + 16}" text-anchor="middle">{FormatLinear(t, xAxis.Step)}</text>""").Append('\n');
        }
        foreach (var t in yAxis.Ticks)
        {
            var y = logY ? Py(Math.Pow(10, t)) : Py(t);
            var label = logY ? FormatDecade(t) : FormatLinear(t, yAxis.Step);
            svg.Append(CultureInfo.InvariantCulture, $"""<line x1="{Left}" y1="{y:0.#}" x2="{Left + PlotWidth}" y2="{y:0.#}" stroke="#e6e6e6"/>""").Append('\n');
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{Left - 6}" y="{y + 4:0.#}" text-anchor="end">{label}</text>""").Append('\n');
        }
        svg.Append(CultureInfo.InvariantCulture, $"""<rect x="{Left}" y="{Top}" width="{PlotWidth}" height="{PlotHeight}" fill="none" stroke="#444444"/>""").Append('\n');
        svg.Append(CultureInfo.InvariantCulture, $"""<text x="{Left + PlotWidth / 2}" y="{Top + PlotHeight + 38}" text-anchor="middle" font-size="12">{HeatmapChart.Escape(xLabel)}</text>""").Append('\n');
        svg.Append(CultureInfo.InvariantCulture, $"""<text transform="translate(18,{Top + PlotHeight / 2}) rotate(-90)" text-anchor="middle" font-size="12">{HeatmapChart.Escape(yLabel)}</text>""").Append('\n');

        // Lines, clipped to the plot area, split at points that cannot be drawn.
        svg.Append(CultureInfo.InvariantCulture, $"""<clipPath id="plot"><rect x="{Left}" y="{Top}" width="{PlotWidth}" height="{PlotHeight}"/></clipPath>""").Append('\n');
        var colors = Colors(series);
        for (var k = 0; k < series.Count; k++)
        {
            var s = series[k];
            var dash = s.Dashed ? " stroke-dasharray=\"6,4\"" : "";
            var run = new StringBuilder();
            var runPoints = 0;
            void Flush()
            {
                if (runPoints == 1) // a lone point: a dot, so that it is visible
                {
                    var xy = run.ToString().Trim().Split(',');
                    svg.Append(CultureInfo.InvariantCulture, $"""<circle clip-path="url(#plot)" cx="{xy[0]}" cy="{xy[1]}" r="2.5" fill="{colors[k]}"/>""").Append('\n');
                }
                else if (runPoints > 1)
                    svg.Append(CultureInfo.InvariantCulture, $"""<polyline clip-path="url(#plot)" fill="none" stroke="{colors[k]}" stroke-width="1.6"{dash} points="{run.ToString().TrimEnd()}"/>""").Append('\n');
                run.Clear();
                runPoints = 0;
            }
            for (var i = 0; i < s.X.Count; i++)
            {
                if (!Drawable(s.X[i], s.Y[i])) { Flush(); continue; }
                run.Append(CultureInfo.InvariantCulture, $"{Px(s.X[i]):0.##},{Py(s.Y[i]):0.##} ");
                runPoints++;
            }
            Flush();
        }

        // Legend, outside the plot on the right.
        int lx = Left + PlotWidth + LegendGap;
        for (var k = 0; k < series.Count; k++)
        {
            int y = Top + 8 + 18 * k;
            var dash = series[k].Dashed ? " stroke-dasharray=\"6,4\"" : "";
            svg.Append(CultureInfo.InvariantCulture, $"""<line x1="{lx}" y1="{y}" x2="{lx + 26}" y2="{y}" stroke="{colors[k]}" stroke-width="2"{dash}/>""").Append('\n');
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{lx + 32}" y="{y + 4}">{HeatmapChart.Escape(series[k].Name)}</text>""").Append('\n');
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>A series' own colour, or else the next palette colour that no series claims for itself.</summary>
    private static string[] Colors(IReadOnlyList<LineSeries> series)
    {
        var claimed = series.Where(s => s.Color is { Length: > 0 }).Select(s => s.Color!).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var free = Palette.Where(c => !claimed.Contains(c)).ToList();
        if (free.Count == 0) free = [.. Palette];
        var colors = new string[series.Count];
        var next = 0;
        for (var k = 0; k < series.Count; k++)
            colors[k] = series[k].Color is { Length: > 0 } c ? HeatmapChart.Escape(c) : free[next++ % free.Count];
        return colors;
    }

    /// <summary>An axis from <paramref name="min"/> to <paramref name="max"/> with 1-2-5 ticks; unfixed ends are
    /// widened to the nearest tick.</summary>
    internal static Axis LinearAxis(double min, double max, bool fixedMin = false, bool fixedMax = false)
    {
        if (max - min < 1e-12 * Math.Max(1, Math.Abs(max)))
        {
            var half = Math.Abs(min) > 0 ? Math.Abs(min) * 0.1 : 1;
            min -= half; max += half;
        }
        var raw = (max - min) / 5;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = magnitude * ((raw / magnitude) switch { <= 1 => 1, <= 2 => 2, <= 5 => 5, _ => 10 });
        if (!fixedMin) min = Math.Floor(min / step + 1e-9) * step;
        if (!fixedMax) max = Math.Ceiling(max / step - 1e-9) * step;
        var ticks = new List<double>();
        for (var t = Math.Ceiling(min / step - 1e-9) * step; t <= max + step * 1e-9; t += step)
            ticks.Add(Math.Abs(t) < step * 1e-9 ? 0 : t);
        return new Axis(min, max, step, ticks);
    }

    /// <summary>A log₁₀ axis in exponent units covering [<paramref name="min"/>, <paramref name="max"/>], with a tick
    /// every 1, 2 or 3 decades; both ends are widened to ticks, so the top and bottom are labelled.</summary>
    internal static Axis LogAxis(double min, double max)
    {
        var lo = Math.Floor(Math.Log10(min) + 1e-9);
        var hi = Math.Ceiling(Math.Log10(max) - 1e-9);
        if (hi <= lo) hi = lo + 1;
        double step = (hi - lo) switch { <= 8 => 1, <= 16 => 2, _ => 3 };
        lo = Math.Floor(lo / step) * step;
        hi = Math.Ceiling(hi / step) * step;
        var ticks = new List<double>();
        for (var t = lo; t <= hi + 1e-9; t += step) ticks.Add(t);
        return new Axis(lo, hi, step, ticks);
    }

    private static string FormatLinear(double v, double step)
    {
        if (Math.Abs(v) >= 10_000 && step >= 1000)
            return (v / 1000).ToString("0.#", CultureInfo.InvariantCulture) + "k";
        var decimals = step >= 1 ? 0 : (int)Math.Ceiling(-Math.Log10(step) - 1e-9);
        return v.ToString("F" + decimals, CultureInfo.InvariantCulture);
    }

    private static string FormatDecade(double exponent) => exponent switch
    {
        0 => "1",
        1 => "10",
        _ => "1e" + exponent.ToString("0", CultureInfo.InvariantCulture),
    };

    /// <summary>An axis range and its tick positions (exponents on a log axis).</summary>
    internal sealed record Axis(double Min, double Max, double Step, IReadOnlyList<double> Ticks);
}
