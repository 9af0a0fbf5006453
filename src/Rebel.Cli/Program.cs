using System.CommandLine;
using Rebel.Cli.Commands;

namespace Rebel.Cli;

/// <summary>Entry point of the <c>rebel</c> command: one subcommand per verb, each defined in <c>Commands/</c>.</summary>
public static class Program
{
    /// <summary>Builds the command tree and runs it; returns the process exit code.</summary>
    public static int Main(string[] args) => BuildRoot().Parse(args).Invoke();

    /// <summary>The root command with every verb attached (also used by the CLI tests).</summary>
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("rebel: self-play preference optimization (REBEL) against pairwise judges.");
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(TokenizeCommand.Create());
        root.Subcommands.Add(JudgeCommand.Create());
        root.Subcommands.Add(PreferenceCommand.Create());
        root.Subcommands.Add(GenerateCommand.Create());
        root.Subcommands.Add(LogprobsCommand.Create());
        root.Subcommands.Add(SftCommand.Create());
        root.Subcommands.Add(GameCommand.Create());
        root.Subcommands.Add(TournamentCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        return root;
    }
}
