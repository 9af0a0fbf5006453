namespace Rebel;

/// <summary>
/// The base of Rebel's domain errors: bad input (a data, model, safetensors or chat-template file, a judge spec), a
/// judge that failed, a tournament that cannot be played, a run that diverged. Its message is one line for the user
/// that names what failed and where (file and line, tensor, judge); a caller that catches <see cref="RebelException"/>
/// catches every failure the libraries report on purpose, and only those.
/// </summary>
/// <remarks>
/// Errors of the environment stay .NET's own (<see cref="IOException"/> for a full disk, <see cref="UnauthorizedAccessException"/>),
/// as do invalid arguments (<see cref="ArgumentException"/>) and cancellation (<see cref="OperationCanceledException"/>).
/// </remarks>
public abstract class RebelException : Exception
{
    /// <summary>Creates the error with its one-line <paramref name="message"/> and the exception that caused it, if any.</summary>
    protected RebelException(string message, Exception? inner = null) : base(message, inner) { }
}
