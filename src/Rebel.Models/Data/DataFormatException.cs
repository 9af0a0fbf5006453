namespace Rebel.Models.Data;

/// <summary>A data file is malformed. The message names the file and the 1-based line number.</summary>
public sealed class DataFormatException : Exception
{
    public DataFormatException(string path, int line, string problem, Exception? inner = null)
        : base($"{path}:{line}: {problem}", inner)
    {
        Path = path;
        Line = line;
        Problem = problem;
    }

    /// <summary>The file that holds the bad record.</summary>
    public string Path { get; }

    /// <summary>1-based line number of the bad record (0 when the problem is the whole file).</summary>
    public int Line { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; }
}
