using System.Globalization;
using System.Xml.Linq;
using Rebel.SelfPlay.Reporting;

namespace Rebel.SelfPlay.Tests.Reporting;

public class LineChartTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static XDocument Parse(string svg) => XDocument.Parse(svg);

    private static List<(double X, double Y)> Points(XElement polyline) =>
        polyline.Attribute("points")!.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split(','))
            .Select(p => (double.Parse(p[0], CultureInfo.InvariantCulture), double.Parse(p[1], CultureInfo.InvariantCulture)))
            .ToList();

    [Test]
    public void Render_TwoSeries_OnePolylineEachWithLegendAndDash()
    {
        var svg = LineChart.Render("loss", "iteration", "loss",
        [
            new LineSeries("train", [0, 1, 2, 3], [4, 3, 2, 1]),
            new LineSeries("eval <held-out>", [0, 1, 2, 3], [4, 3.5, 3, 2.5], Dashed: true),
        ]);
        var doc = Parse(svg);
        var lines = doc.Descendants(Svg + "polyline").ToList();
        Assert.That(lines, Has.Count.EqualTo(2));
        Assert.That(lines[0].Attribute("stroke-dasharray"), Is.Null);
        Assert.That(lines[1].Attribute("stroke-dasharray"), Is.Not.Null);
        Assert.That(lines[0].Attribute("stroke")!.Value, Is.EqualTo(LineChart.Palette[0]));
        Assert.That(lines[1].Attribute("stroke")!.Value, Is.EqualTo(LineChart.Palette[1]));
        var texts = doc.Descendants(Svg + "text").Select(t => t.Value).ToList();
        Assert.That(texts, Does.Contain("train").And.Contain("eval <held-out>").And.Contain("iteration"));

        // y decreasing in data space means SVG y increasing down the page; x increasing left to right.
        var train = Points(lines[0]);
        Assert.That(train, Has.Count.EqualTo(4));
        for (var i = 1; i < 4; i++)
        {
            Assert.That(train[i].X, Is.GreaterThan(train[i - 1].X));
            Assert.That(train[i].Y, Is.GreaterThan(train[i - 1].Y));
        }
    }

    [Test]
    public void Render_LogY_DecadeTicksAndEqualSpacingPerDecade()
    {
        var svg = LineChart.Render("exploitability", "iteration", "exploitability",
            [new LineSeries("rebel", [0, 1, 2], [1e-1, 1e-2, 1e-3])], logY: true);
        var doc = Parse(svg);
        var texts = doc.Descendants(Svg + "text").Select(t => t.Value).ToList();
        Assert.That(texts, Does.Contain("1e-3").And.Contain("1e-2").And.Contain("1e-1"));
        var p = Points(doc.Descendants(Svg + "polyline").Single());
        Assert.That(p[1].Y - p[0].Y, Is.EqualTo(p[2].Y - p[1].Y).Within(0.02), "one decade, one step");
    }

    [Test]
    public void Render_NonPositiveOnLogAxisOrNaN_BreaksTheLine()
    {
        var svg = LineChart.Render("t", "x", "y",
            [new LineSeries("a", [0, 1, 2, 3, 4, 5], [1, 0.5, 0, 0.2, double.NaN, 0.1])], logY: true);
        var doc = Parse(svg);
        Assert.That(doc.Descendants(Svg + "polyline").Select(l => Points(l).Count), Is.EqualTo(new[] { 2 }));
        Assert.That(doc.Descendants(Svg + "circle").Count(), Is.EqualTo(2), "the lone points 0.2 and 0.1 as dots");
    }

    [Test]
    public void Render_ExplicitColour_IsUsedAndNotReusedForOthers()
    {
        var svg = LineChart.Render("t", "x", "y",
        [
            new LineSeries("a", [0, 1], [0, 1], Color: "#123456"),
            new LineSeries("b", [0, 1], [1, 0], Color: LineChart.Palette[0]),
            new LineSeries("c", [0, 1], [1, 0]),
        ]);
        var strokes = Parse(svg).Descendants(Svg + "polyline").Select(l => l.Attribute("stroke")!.Value).ToList();
        Assert.That(strokes, Is.EqualTo(new[] { "#123456", LineChart.Palette[0], LineChart.Palette[1] }));
    }

    [Test]
    public void LinearAxis_CoversTheDataWithNiceTicks()
    {
        var axis = LineChart.LinearAxis(3, 1987);
        Assert.That(axis.Min, Is.LessThanOrEqualTo(3));
        Assert.That(axis.Max, Is.GreaterThanOrEqualTo(1987));
        Assert.That(axis.Step, Is.EqualTo(500));
        Assert.That(axis.Ticks, Is.EqualTo(new[] { 0.0, 500, 1000, 1500, 2000 }));
    }

    [Test]
    public void LogAxis_ManyDecades_ThinsTheTicks()
    {
        var axis = LineChart.LogAxis(1e-15, 0.09);
        Assert.That(axis.Step, Is.EqualTo(2));
        Assert.That(axis.Min, Is.EqualTo(-16), "widened to a tick");
        Assert.That(axis.Max, Is.EqualTo(0), "widened to a tick, so the top is labelled");
        Assert.That(axis.Ticks, Is.EqualTo(new double[] { -16, -14, -12, -10, -8, -6, -4, -2, 0 }));
    }

    [Test]
    public void Render_BadInput_Throws()
    {
        Assert.That(() => LineChart.Render("t", "x", "y", []), Throws.ArgumentException.With.Message.Contains("at least one series"));
        Assert.That(() => LineChart.Render("t", "x", "y", [new LineSeries("short", [0, 1, 2], [1, 2])]),
            Throws.ArgumentException.With.Message.Contains("\"short\" has 3 x values and 2 y values"));
        Assert.That(() => LineChart.Render("t", "x", "y", [new LineSeries("a", [0, 1], [1, 2])], logY: true, yMin: 0),
            Throws.ArgumentException.With.Message.Contains("not > 0"));
        Assert.That(() => LineChart.Render("t", "x", "y", [new LineSeries("a", [0, 1], [1, 2])], yMin: 2, yMax: 1),
            Throws.ArgumentException.With.Message.Contains("not below"));
    }
}
