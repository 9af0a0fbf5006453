using System.Text.Json.Nodes;
using Rebel.Preference.Statistics;

namespace Rebel.SelfPlay.Reporting;

/// <summary>Numbers and intervals as JSON nodes for the report files; undefined numbers (NaN, ±∞) are written as null.</summary>
internal static class JsonNumbers
{
    /// <summary><paramref name="v"/> as a JSON number, or null when it is not finite.</summary>
    public static JsonNode? Number(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;

    /// <summary>An interval as the array [lower, upper].</summary>
    public static JsonArray Interval(double lower, double upper) => new(Number(lower), Number(upper));

    /// <summary>Each interval as [lower, upper]; null when there are none.</summary>
    public static JsonArray? Intervals(IReadOnlyList<ConfidenceInterval>? intervals) =>
        intervals is null ? null : new(intervals.Select(c => (JsonNode?)Interval(c.Lower, c.Upper)).ToArray());
}
