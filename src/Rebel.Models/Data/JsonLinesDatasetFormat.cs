namespace Rebel.Models.Data;

/// <summary>JSON Lines: one JSON object per line, blank lines skipped (see <see cref="JsonLines"/>).</summary>
public sealed class JsonLinesDatasetFormat : IDatasetFormat
{
    /// <summary>The one instance.</summary>
    public static JsonLinesDatasetFormat Instance { get; } = new();

    private JsonLinesDatasetFormat()
    {
    }

    /// <inheritdoc/>
    public string Name => "JSON Lines";

    /// <inheritdoc/>
    public IEnumerable<DatasetRow> Read(string path) =>
        JsonLines.Read(path).Select(r => new DatasetRow(path, r.Line, IsRow: false, r.Value));
}
