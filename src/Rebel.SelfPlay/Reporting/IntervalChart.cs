using System.Globalization;
using System.Text;

namespace Rebel.SelfPlay.Reporting;

/// <summary>
/// An SVG chart of one value per item with an optional interval: a horizontal bar from the axis origin to the value
/// (lottery weights) or a dot (ratings), with a whisker from lower to upper bound. Items are drawn top to bottom in
/// the given order. The axis has 4–6 ticks at round values (1, 2, 2.5 or 5 × 10^k apart); the label column is as wide
/// as the longest label (cut at 28 characters).
/// </summary>
internal static class IntervalChart
{
    private const int Row = 26, PlotWidth = 420, Top = 40, LabelLength = 28;

    /// <summary>The SVG document.</summary>
    /// <param name="title">Chart title.</param>
    /// <param name="labels">One label per item.</param>
    /// <param name="values">The values.</param>
    /// <param name="lower">Lower bounds (null: no whiskers).</param>
    /// <param name="upper">Upper bounds (null: no whiskers).</param>
    /// <param name="bars">Bars from the origin (true) or dots (false).</param>
    /// <param name="axisMin">Left end of the axis (null: from the data).</param>
    /// <param name="axisMax">Right end of the axis (null: from the data).</param>
    /// <exception cref="ArgumentException">Lengths differ, or there are no items.</exception>
    public static string Render(string title, IReadOnlyList<string> labels, IReadOnlyList<double> values, IReadOnlyList<double>? lower = null,
        IReadOnlyList<double>? upper = null, bool bars = false, double? axisMin = null, double? axisMax = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(values);
        int n = labels.Count;
        if (n == 0 || values.Count != n || (lower is not null && lower.Count != n) || (upper is not null && upper.Count != n))
            throw new ArgumentException($"an interval chart needs the same non-zero number of labels, values and bounds (got {n} labels, {values.Count} values)");
        var all = values.Concat(lower ?? []).Concat(upper ?? []).Where(double.IsFinite).ToList();
        double min = axisMin ?? (all.Count > 0 ? all.Min() : 0), max = axisMax ?? (all.Count > 0 ? all.Max() : 1);
        if (bars) min = Math.Min(min, 0);
        if (max - min < 1e-12) { min -= 1; max += 1; }
        double pad = axisMin is null && axisMax is null ? 0.05 * (max - min) : 0;
        min -= bars ? 0 : pad;
        max += pad;
        var names = labels.Select(l => HeatmapChart.Short(l, LabelLength)).ToArray();
        int left = (int)Math.Ceiling(Math.Max(60, names.Max(l => l.Length) * HeatmapChart.CharWidth + 16));
        double X(double v) => left + (Math.Clamp(v, min, max) - min) / (max - min) * PlotWidth;

        int width = left + PlotWidth + 40, height = Top + n * Row + 40;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"""<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="11">""").Append('\n');
        svg.Append(CultureInfo.InvariantCulture, $"""<rect width="{width}" height="{height}" fill="white"/>""").Append('\n');
        svg.Append(CultureInfo.InvariantCulture, $"""<text x="{width / 2}" y="20" text-anchor="middle" font-size="14">{HeatmapChart.Escape(title)}</text>""").Append('\n');
        double axisY = Top + n * Row + 6;
        svg.Append(CultureInfo.InvariantCulture, $"""<line x1="{left}" y1="{axisY:0.#}" x2="{left + PlotWidth}" y2="{axisY:0.#}" stroke="black"/>""").Append('\n');
        double step = TickStep(max - min);
        for (double v = Math.Ceiling(min / step - 1e-9) * step; v <= max + 1e-9 * step; v += step)
        {
            double x = X(v);
            svg.Append(CultureInfo.InvariantCulture, $"""<line x1="{x:0.#}" y1="{Top - 4}" x2="{x:0.#}" y2="{axisY:0.#}" stroke="#e0e0e0"/>""").Append('\n');
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{x:0.#}" y="{axisY + 16:0.#}" text-anchor="middle">{Tick(v, step)}</text>""").Append('\n');
        }
        for (int i = 0; i < n; i++)
        {
            double y = Top + i * Row + Row / 2.0;
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{left - 8}" y="{y + 4:0.#}" text-anchor="end">{HeatmapChart.Escape(names[i])}</text>""").Append('\n');
            double v = values[i];
            if (!double.IsFinite(v)) continue;
            if (bars)
                svg.Append(CultureInfo.InvariantCulture, $"""<rect x="{X(0):0.#}" y="{y - 8:0.#}" width="{Math.Max(X(v) - X(0), 0):0.#}" height="16" fill="#1f77b4"/>""").Append('\n');
            if (lower is not null && upper is not null && double.IsFinite(lower[i]) && double.IsFinite(upper[i]))
            {
                svg.Append(CultureInfo.InvariantCulture, $"""<line x1="{X(lower[i]):0.#}" y1="{y:0.#}" x2="{X(upper[i]):0.#}" y2="{y:0.#}" stroke="black" stroke-width="1.5"/>""").Append('\n');
                foreach (var b in new[] { lower[i], upper[i] })
                    svg.Append(CultureInfo.InvariantCulture, $"""<line x1="{X(b):0.#}" y1="{y - 5:0.#}" x2="{X(b):0.#}" y2="{y + 5:0.#}" stroke="black" stroke-width="1.5"/>""").Append('\n');
            }
            if (!bars)
                svg.Append(CultureInfo.InvariantCulture, $"""<circle cx="{X(v):0.#}" cy="{y:0.#}" r="4" fill="#d62728"/>""").Append('\n');
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>The round step (1, 2, 2.5 or 5 × 10^k) that cuts <paramref name="range"/> into 4–6 ticks or so.</summary>
    internal static double TickStep(double range)
    {
        double raw = range / 4, power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        foreach (double m in new[] { 1, 2, 2.5, 5, 10 })
            if (m * power >= raw * 0.999) return m * power;
        return 10 * power;
    }

    private static string Tick(double v, double step)
    {
        if (Math.Abs(v) < step * 1e-9) v = 0; // no "-0" or 1e-17 at the origin
        int decimals = Math.Max(0, (int)Math.Ceiling(-Math.Log10(step) - 1e-9) + (step / Math.Pow(10, Math.Floor(Math.Log10(step))) == 2.5 ? 1 : 0));
        return v.ToString("F" + decimals, CultureInfo.InvariantCulture);
    }
}
