namespace Rebel.SelfPlay.Reporting;

/// <summary>
/// One named line of a <see cref="LineChart"/>: the points (X[i], Y[i]) joined in the given order.
/// </summary>
/// <remarks>
/// A point whose X or Y is NaN or infinite — or whose Y is ≤ 0 on a log-scale chart — is not drawn and breaks the
/// line into two, so a gap in the data shows as a gap in the picture.
/// </remarks>
/// <param name="Name">The legend label.</param>
/// <param name="X">The x coordinates (same length as <paramref name="Y"/>).</param>
/// <param name="Y">The y coordinates.</param>
/// <param name="Dashed">Draw the line dashed (default solid).</param>
/// <param name="Color">An SVG colour such as <c>#1f77b4</c> (default null: the next colour of
/// <see cref="LineChart.Palette"/> that no series of the chart names as its own).</param>
internal sealed record LineSeries(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y, bool Dashed = false, string? Color = null);
