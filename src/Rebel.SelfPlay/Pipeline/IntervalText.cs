using System.Globalization;
using Rebel.Preference.Statistics;

namespace Rebel.SelfPlay.Pipeline;

/// <summary>How the console summary and <c>report.md</c> write a bootstrap interval of a win rate.</summary>
public static class IntervalText
{
    /// <summary><c>[lower, upper]</c> with three decimals (invariant culture), or the empty string without an interval.</summary>
    public static string Format(ConfidenceInterval? interval) =>
        interval is null ? "" : string.Create(CultureInfo.InvariantCulture, $"[{interval.Lower:0.000}, {interval.Upper:0.000}]");
}
