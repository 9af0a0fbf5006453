namespace Rebel.Models.Data;

/// <summary>
/// A file format datasets are read from. Each record comes back as a <see cref="DatasetRow"/> (a JSON object), so the
/// typed readers (prompts, SFT, preferences) read every format the same way.
/// </summary>
public interface IDatasetFormat
{
    /// <summary>The format's name in messages (<c>JSON Lines</c>, <c>Parquet</c>).</summary>
    string Name { get; }

    /// <summary>The records of <paramref name="path"/>, lazily, in file order.</summary>
    /// <exception cref="DataFormatException">A record or the file is malformed (file and line or row named).</exception>
    IEnumerable<DatasetRow> Read(string path);
}
