using System.CommandLine;

namespace Rebel.Benchmarks;

/// <summary>
/// Rebel's benchmarks, one subcommand each: <c>dotnet run --project bench/Rebel.Benchmarks -c Release -- gemm</c>, ...
/// A new benchmark is a class here with a <c>Create()</c> factory, added to the list below; the scripts in
/// <c>bench/</c> drive the ones compared side by side with PyTorch.
/// </summary>
public static class Program
{
    /// <summary>Runs the benchmark named by the first argument; returns the process exit code.</summary>
    public static int Main(string[] args) => BuildRoot().Parse(args).Invoke();

    /// <summary>The root command with every benchmark attached (also used by the benchmark tests).</summary>
    public static RootCommand BuildRoot()
    {
        var command = new RootCommand("Rebel's benchmarks: run one and print its table or JSON lines.");
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
