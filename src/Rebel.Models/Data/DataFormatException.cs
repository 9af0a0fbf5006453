namespace Rebel.Models.Data;

/// <summary>
/// A data file is malformed. The message names the file and where in it: <c>FILE:LINE: problem</c> for a line of a
/// JSON Lines file, <c>FILE: row N: problem</c> for a row of a Parquet file, <c>FILE:0: problem</c> for the whole file.
/// </summary>
public sealed class DataFormatException : RebelException
{
    /// <summary>A problem on a line of a text file (0: the whole file).</summary>
    public DataFormatException(string path, int line, string problem, Exception? inner = null)
        : this(path, line, isRow: false, column: null, problem, inner)
    {
    }

    private DataFormatException(string path, int number, bool isRow, string? column, string problem, Exception? inner)
        : base(isRow ? $"{path}: row {number}: {problem}" : $"{path}:{number}: {problem}", inner)
    {
        Path = path;
        Line = number;
        IsRow = isRow;
        Column = column;
        Problem = problem;
    }

    /// <summary>A problem in a record: a line of a JSON Lines file or a row of a Parquet file, optionally naming the column at fault.</summary>
    public static DataFormatException At(string path, int number, bool isRow, string? column, string problem, Exception? inner = null) =>
        new(path, number, isRow, column, problem, inner);

    /// <summary>The file that holds the bad record.</summary>
    public string Path { get; }

    /// <summary>1-based line number (JSON Lines) or row number (Parquet) of the bad record; 0 when the problem is the whole file.</summary>
    public int Line { get; }

    /// <summary>True when <see cref="Line"/> counts rows of a Parquet file rather than lines of a text file.</summary>
    public bool IsRow { get; }

    /// <summary>The field (JSON Lines) or column (Parquet) at fault, when one is.</summary>
    public string? Column { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; }
}
