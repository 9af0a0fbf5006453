using System.Globalization;
using System.Xml.Linq;
using Rebel.SelfPlay.Reporting;

namespace Rebel.SelfPlay.Tests.Reporting;

/// <summary>The tournament plots' layout: margins sized from the labels, readable cell text, round axis ticks.</summary>
public class TournamentChartTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static double Attr(XElement e, string name) => double.Parse(e.Attribute(name)!.Value, CultureInfo.InvariantCulture);

    private static IReadOnlyList<IReadOnlyList<double>> Matrix(int n) =>
        Enumerable.Range(0, n).Select(i => (IReadOnlyList<double>)Enumerable.Range(0, n).Select(j => i == j ? double.NaN : i < j ? 0.95 : 0.05).ToArray()).ToArray();

    [Test]
    public void Heatmap_LongColumnLabels_StayBelowTheTitleAndInsideThePicture()
    {
        var labels = new[] { "a-rather-long-checkpoint-name-iter-100", "b", "another-quite-long-player" };
        var doc = XDocument.Parse(HeatmapChart.Render("Win rate", labels, Matrix(3)));
        var root = doc.Root!;
        var cells = root.Elements(Svg + "rect").Where(r => r.Attribute("x") is not null && r.Attribute("width")?.Value == "44").ToList();
        Assert.That(cells, Has.Count.EqualTo(9));
        double top = cells.Min(c => Attr(c, "y")), left = cells.Min(c => Attr(c, "x"));
        // a 28-character label rising at 45° needs about 28 · 6.6 · sin 45° ≈ 131 px above the matrix, plus the title
        Assert.That(top, Is.GreaterThanOrEqualTo(30 + 28 * 6.6 * Math.Sin(Math.PI / 4)));
        Assert.That(left, Is.GreaterThanOrEqualTo(28 * 6.6));
        // the first column's label (cut to 28 characters) must end inside the picture's width
        Assert.That(Attr(root, "width"), Is.GreaterThanOrEqualTo(left + 22 + 28 * 6.6 * Math.Cos(Math.PI / 4)));
        Assert.That(root.Descendants(Svg + "text").Select(t => t.Value), Does.Contain("a-rather-long-checkpoint-na…"));

        var small = XDocument.Parse(HeatmapChart.Render("Win rate", ["a", "b", "c"], Matrix(3))).Root!;
        Assert.That(Attr(small, "height"), Is.LessThan(Attr(root, "height")), "short labels, smaller margins");
    }

    [Test]
    public void Heatmap_DarkCellsHaveWhiteText_DiagonalIsGrey()
    {
        var svg = HeatmapChart.Render("t", ["x", "y"], [[double.NaN, 0.97], [0.55, double.NaN]]);
        var texts = XDocument.Parse(svg).Root!.Elements(Svg + "text").ToList();
        Assert.That(texts.Single(t => t.Value == "0.97").Attribute("fill")!.Value, Is.EqualTo("white"));
        Assert.That(texts.Single(t => t.Value == "0.55").Attribute("fill")!.Value, Is.EqualTo("black"));
        Assert.That(svg, Does.Contain("#eeeeee"));
        Assert.Throws<ArgumentException>(() => HeatmapChart.Render("t", ["x", "y"], [[0.5, 0.5]]));
    }

    [TestCase(620, 200)]
    [TestCase(1, 0.25)]
    [TestCase(0.3, 0.1)]
    [TestCase(7, 2)]
    [TestCase(40, 10)]
    public void TickStep_IsRoundAndGivesAFewTicks(double range, double step)
    {
        Assert.That(IntervalChart.TickStep(range), Is.EqualTo(step).Within(1e-12));
        Assert.That(range / step, Is.InRange(2.5, 6));
    }

    [Test]
    public void IntervalChart_EloAxis_HasRoundTicks()
    {
        var svg = IntervalChart.Render("Elo", ["p", "q", "r"], [1204.5, 943.9, 781.9], [1120, 880, 700], [1310, 1000, 850]);
        var ticks = XDocument.Parse(svg).Root!.Elements(Svg + "text").Select(t => t.Value).Where(v => double.TryParse(v, CultureInfo.InvariantCulture, out _)).ToList();
        Assert.That(ticks, Is.EqualTo(new[] { "800", "1000", "1200" }));
        var lottery = IntervalChart.Render("lottery", ["p", "q"], [1, 0], bars: true, axisMin: 0, axisMax: 1);
        Assert.That(lottery, Does.Contain(">0.25<").And.Contain(">1.00<"));
    }
}
