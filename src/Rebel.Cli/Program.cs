using System.CommandLine;
using Rebel.Cli.Commands;
using Rebel.Cli.Termination;

namespace Rebel.Cli;

/// <summary>Entry point of the <c>rebel</c> command: one subcommand per verb, each defined in <c>Commands/</c>.</summary>
public static class Program
{
    /// <summary>Exit code of an error no verb anticipated (printed as one line; <c>REBEL_DEBUG=1</c> adds the stack trace).</summary>
    public const int UnexpectedErrorExitCode = CommandErrors.Unexpected;

    /// <summary>
    /// Builds the command tree and runs it; returns the process exit code. SIGINT and SIGTERM cancel the verb's token
    /// (<see cref="TerminationSignals"/>): the verb stops at its next safe point, and the process prints
    /// "cancelled; rerun the same command to resume" and exits 130 (SIGINT) or 143 (SIGTERM).
    /// </summary>
    public static int Main(string[] args)
    {
        var error = Console.Error;
        using var signals = new TerminationSignals(error);
        // Our own signal handling and error reporting replace System.CommandLine's (which exits 2 s after a signal
        // whatever the verb is doing, and prints unhandled exceptions with their stack traces).
        var configuration = new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false };
        int? code;                                                              // null: the verb threw
        try
        {
            code = BuildRoot().Parse(args).InvokeAsync(configuration, signals.Token).GetAwaiter().GetResult();
        }
        catch (Exception e) when (!signals.Signalled)
        {
            CommandErrors.Report(e, error, "rebel: ");
            if (Environment.GetEnvironmentVariable("REBEL_DEBUG") == "1") error.WriteLine(e);
            return UnexpectedErrorExitCode;
        }
        catch (Exception)
        {
            code = null; // whatever the verb threw while stopping, it stopped because it was asked to
        }
        if (signals.Signalled && code != 0)
        {
            // A verb that handles cancellation itself (eval) has said how to resume and returned 130 already.
            if (code is not (TerminationSignals.InterruptExitCode or TerminationSignals.TerminateExitCode))
                error.WriteLine(TerminationSignals.CancelledMessage);
            return signals.ExitCode;
        }
        return code ?? UnexpectedErrorExitCode;
    }

    /// <summary>The root command with every verb attached (also used by the CLI tests).</summary>
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("rebel: self-play preference optimization (REBEL) against pairwise judges.");
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(TokenizeCommand.Create());
        root.Subcommands.Add(JudgeCommand.Create());
        root.Subcommands.Add(PreferenceCommand.Create());
        root.Subcommands.Add(GenerateCommand.Create());
        root.Subcommands.Add(LogprobsCommand.Create());
        root.Subcommands.Add(SftCommand.Create());
        root.Subcommands.Add(GameCommand.Create());
        root.Subcommands.Add(TournamentCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(LoraCommand.Create());
        return root;
    }
}
