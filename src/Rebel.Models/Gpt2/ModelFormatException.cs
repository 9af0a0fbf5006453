namespace Rebel.Models.Gpt2;

/// <summary>
/// A model directory or configuration is not usable: a missing or misshaped tensor, a bad config value, an
/// unsupported activation. The message names the file and, where there is one, the tensor and both shapes.
/// </summary>
public sealed class ModelFormatException : RebelException
{
    public ModelFormatException(string path, string problem, Exception? inner = null)
        : base($"{path}: {problem}", inner)
    {
        Path = path;
        Problem = problem;
    }

    /// <summary>The file (or directory) at fault.</summary>
    public string Path { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; }
}
