using System.Runtime.InteropServices;

namespace Rebel.Cli.Termination;

/// <summary>
/// Turns SIGINT (Ctrl-C) and SIGTERM into a cancelled <see cref="Token"/> instead of an immediate exit, so a verb can
/// stop between atomic writes, dispose its judges (which stops their child processes) and say how to resume.
/// </summary>
/// <remarks>
/// The first signal cancels <see cref="Token"/>; the process keeps running until the verb returns, for at most
/// <see cref="Grace"/> (a verb busy in a step that does not check the token is not waited for longer). A second signal,
/// or the end of the grace period, stops at once: <see cref="Environment.Exit"/> runs the process-exit hooks (temporary files of unfinished atomic
/// writes are deleted, judge child processes killed) and exits with <see cref="ExitCode"/>. Exit codes follow the shell
/// convention 128 + signal number: 130 for SIGINT, 143 for SIGTERM.
/// </remarks>
internal sealed class TerminationSignals : IDisposable
{
    /// <summary>Exit code after SIGINT (128 + 2).</summary>
    public const int InterruptExitCode = 130;

    /// <summary>Exit code after SIGTERM (128 + 15).</summary>
    public const int TerminateExitCode = 143;

    /// <summary>What is printed when a verb was cancelled by a signal.</summary>
    public const string CancelledMessage = "cancelled; rerun the same command to resume";

    /// <summary>How long a cancelled verb may take to stop before the process exits anyway: 10 s.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource _cancellation = new();
    private readonly PosixSignalRegistration[] _registrations;
    private readonly TextWriter _error;
    private int _signals;
    private int _exitCode;
    private bool _disposed;

    /// <summary>Starts listening for SIGINT and SIGTERM; notes go to <paramref name="error"/>.</summary>
    public TerminationSignals(TextWriter error)
    {
        _error = error;
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
        ];
    }

    /// <summary>Cancelled by the first SIGINT or SIGTERM.</summary>
    public CancellationToken Token => _cancellation.Token;

    /// <summary>Whether a signal arrived.</summary>
    public bool Signalled => Volatile.Read(ref _signals) > 0;

    /// <summary>130 after SIGINT, 143 after SIGTERM (the first signal decides), 0 when none arrived.</summary>
    public int ExitCode => Volatile.Read(ref _exitCode);

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true; // keep running: the verb stops at its next cancellation check
        int code = context.Signal == PosixSignal.SIGINT ? InterruptExitCode : TerminateExitCode;
        Interlocked.CompareExchange(ref _exitCode, code, 0);
        if (Interlocked.Increment(ref _signals) == 1)
        {
            _error.WriteLine("stopping at the next safe point (send the signal again to stop at once)...");
            _ = Task.Delay(Grace).ContinueWith(_ => StopNow(), TaskScheduler.Default);
            try
            {
                _cancellation.Cancel();
            }
            catch (AggregateException)
            {
                // A cancellation callback failed; the verb still sees the token cancelled.
            }
            return;
        }
        StopNow();
    }

    /// <summary>Exits the process now; the process-exit hooks discard unfinished writes and stop judge child processes.</summary>
    private void StopNow()
    {
        if (Volatile.Read(ref _disposed)) return; // the verb returned in time; Main is already on its way out
        _error.WriteLine(CancelledMessage);
        Environment.Exit(ExitCode);
    }

    /// <summary>Stops listening.</summary>
    public void Dispose()
    {
        Volatile.Write(ref _disposed, true);
        foreach (var registration in _registrations) registration.Dispose();
        _cancellation.Dispose();
    }
}
