namespace Rebel.Models.Data;

/// <summary>
/// Reads the records of a dataset wherever it is (a file, a folder, a glob: see <see cref="DatasetFiles"/>), each file
/// in its format: <c>.parquet</c> files as Parquet, every other file as JSON Lines.
/// </summary>
public static class DatasetReader
{
    /// <summary>The format a file is read in, chosen by its extension.</summary>
    public static IDatasetFormat FormatOf(string path) =>
        string.Equals(Path.GetExtension(path), ".parquet", StringComparison.OrdinalIgnoreCase)
            ? ParquetDatasetFormat.Instance
            : JsonLinesDatasetFormat.Instance;

    /// <summary>
    /// The records of every file of the dataset, file after file. The files are resolved at once (a missing file
    /// throws here); records are read lazily.
    /// </summary>
    /// <exception cref="FileNotFoundException">Nothing is at <paramref name="location"/>.</exception>
    /// <exception cref="DataFormatException">Incomplete shards (at once), or a malformed record (while reading).</exception>
    public static IEnumerable<DatasetRow> Read(string location)
    {
        var files = DatasetFiles.Resolve(location);
        return files.SelectMany(f => FormatOf(f).Read(f));
    }
}
