using Rebel.SelfPlay.Training;

namespace Rebel.Cli;

/// <summary>
/// The one place where the CLI turns an exception into what the user sees: one line (<see cref="ErrorText.Of"/>, after
/// the verb's prefix) and an exit code. Every verb catches <c>when (CommandErrors.IsExpected(e))</c> and returns
/// <see cref="Report"/>; anything else reaches <see cref="Program.Main"/>, which prints it as <c>rebel: …</c> and exits
/// <see cref="Unexpected"/>.
/// </summary>
/// <remarks>
/// <list type="table">
/// <item><term>2</term><description><see cref="TrainingDivergedException"/>: NaN or ∞ in training; the last good checkpoint is kept.</description></item>
/// <item><term>1</term><description>every other <see cref="RebelException"/> (bad data, model, safetensors or chat-template
/// file, bad judge spec, failing judge, tournament error), and the errors of input and environment .NET reports itself:
/// <see cref="ArgumentException"/> (bad options), <see cref="IOException"/> (missing file, full disk),
/// <see cref="UnauthorizedAccessException"/>, <see cref="InvalidDataException"/>, <see cref="FormatException"/>,
/// <see cref="InvalidOperationException"/> (a run folder holding another run) and <see cref="ArithmeticException"/>
/// (a game whose policy stopped being finite).</description></item>
/// <item><term>70</term><description>anything else: a bug (with <c>REBEL_DEBUG=1</c> the stack trace follows).</description></item>
/// </list>
/// Cancellation is not an error here: <see cref="Program.Main"/> reports it and exits 130 or 143.
/// </remarks>
internal static class CommandErrors
{
    /// <summary>Exit code of bad input or a failure the libraries report on purpose.</summary>
    public const int Failed = 1;

    /// <summary>Exit code of a training run that diverged (<see cref="TrainingDivergedException"/>).</summary>
    public const int Diverged = 2;

    /// <summary>Exit code of an error no verb anticipated.</summary>
    public const int Unexpected = 70;

    /// <summary>Whether a verb reports <paramref name="e"/> as one line with <see cref="Report"/> (see the remarks for which).</summary>
    public static bool IsExpected(Exception e) => e is RebelException or ArgumentException or IOException or UnauthorizedAccessException
        or InvalidDataException or FormatException or InvalidOperationException or ArithmeticException;

    /// <summary>The exit code of <paramref name="e"/>: 2 for divergence, 1 for other expected errors, 70 otherwise.</summary>
    public static int ExitCode(Exception e) => e switch
    {
        TrainingDivergedException => Diverged,
        _ when IsExpected(e) => Failed,
        _ => Unexpected,
    };

    /// <summary>Writes <paramref name="prefix"/> and the user's message of <paramref name="e"/> to <paramref name="error"/>;
    /// returns its exit code.</summary>
    public static int Report(Exception e, TextWriter error, string prefix = "")
    {
        error.WriteLine(prefix + ErrorText.Of(e));
        return ExitCode(e);
    }
}
