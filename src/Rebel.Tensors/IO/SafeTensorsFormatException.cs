namespace Rebel.Tensors.IO;

/// <summary>
/// A safetensors file is malformed (truncated, corrupt header, inconsistent offsets, unknown dtype, ...).
/// The message names the file, the tensor when one is involved, and what is wrong.
/// </summary>
public sealed class SafeTensorsFormatException : RebelException
{
    public SafeTensorsFormatException(string path, string problem, string? tensorName = null, Exception? inner = null)
        : base(tensorName is null ? $"{path}: {problem}" : $"{path}: tensor \"{tensorName}\": {problem}", inner)
    {
        Path = path;
        Problem = problem;
        TensorName = tensorName;
    }

    /// <summary>The file that is malformed.</summary>
    public string Path { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; }

    /// <summary>The tensor whose header entry is wrong, or null when the problem is the whole file.</summary>
    public string? TensorName { get; }
}
