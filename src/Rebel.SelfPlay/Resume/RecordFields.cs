using System.Text.Json;
using Rebel.Models.Data;

namespace Rebel.SelfPlay.Resume;

/// <summary>
/// Typed fields of a saved JSON Lines record (completions, verdict logs), each read or refused with a
/// <see cref="DataFormatException"/> that names the file, the line and the field.
/// </summary>
internal static class RecordFields
{
    /// <summary>A required non-negative integer field (a prompt or sample index).</summary>
    public static int Index(JsonLines.Record record, string path, string field) =>
        record.Value.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) && i >= 0
            ? i
            : throw new DataFormatException(path, record.Line, $"field \"{field}\" must be a non-negative integer");

    /// <summary>A required number in [0, 1] (a verdict p).</summary>
    public static double Probability(JsonLines.Record record, string path, string field) =>
        record.Value.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.Number && v.GetDouble() is double p && p >= 0 && p <= 1
            ? p
            : throw new DataFormatException(path, record.Line, $"field \"{field}\" must be a number in [0, 1]");
}
