using System.CommandLine;
using Rebel.Cli.Commands.Bench;

namespace Rebel.Cli.Commands;

/// <summary>
/// <c>rebel bench</c>: micro-benchmarks, one subcommand each (<c>rebel bench gemm</c>, ...).
/// A new benchmark is a class in <c>Commands/Bench/</c> with a <c>Create()</c> factory, added to the list below.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Run a micro-benchmark and print its table.");
        command.Subcommands.Add(GemmBenchCommand.Create());
        command.Subcommands.Add(TokenizerBench.Create());
        command.Subcommands.Add(TrainStepBench.Create());
        command.Subcommands.Add(GamesBench.Create());
        command.Subcommands.Add(GenerateBench.Create());
        command.Subcommands.Add(TournamentBench.Create());
        command.Subcommands.Add(JudgeBench.Create());
        command.Subcommands.Add(LoadBench.Create());
        return command;
    }
}
