using System.CommandLine;

namespace Rebel.Benchmarks.Tests;

/// <summary>Runs a benchmark in process, as <c>dotnet run --project bench/Rebel.Benchmarks -- ARGS</c> would.</summary>
internal static class BenchRunner
{
    /// <summary>Runs the benchmark command line <paramref name="args"/>; returns its exit code and what it printed.</summary>
    public static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Program.BuildRoot().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }
}
