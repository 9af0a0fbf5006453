using System.CommandLine;
using System.Globalization;
using Rebel.Tensors.Kernels;

namespace Rebel.Benchmarks;

/// <summary><c>Rebel.Benchmarks gemm</c>: GFLOP/s of our SGEMM and OpenBLAS's in the same run, as a Markdown table.</summary>
internal static class GemmBenchCommand
{
    public static Command Create()
    {
        var defaults = new GemmBenchOptions();
        var threads = new Option<int>("--threads") { Description = "Threads for both implementations.", DefaultValueFactory = _ => defaults.Threads };
        var reps = new Option<int>("--reps") { Description = "Timed repetitions per shape (median reported).", DefaultValueFactory = _ => defaults.Repetitions };
        var minMs = new Option<double>("--min-ms") { Description = "Minimum milliseconds per repetition.", DefaultValueFactory = _ => defaults.MinMilliseconds };
        var warmupMs = new Option<double>("--warmup-ms") { Description = "Untimed warm-up of both implementations before the first shape, in milliseconds.", DefaultValueFactory = _ => defaults.WarmupMilliseconds };
        var sizes = new Option<int[]>("--sizes")
        {
            Description = "Square sizes, comma-separated.",
            CustomParser = r => r.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries))
                .Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray(),
            DefaultValueFactory = _ => [.. defaults.Sizes],
        };
        var suite = new Option<string>("--suite") { Description = "square, model or all.", DefaultValueFactory = _ => defaults.Suite };
        var best = new Option<bool>("--best") { Description = "Report the fastest repetition instead of the median." };
        var cpuTime = new Option<bool>("--cpu-time") { Description = "Time with the thread's CPU clock (needs --threads 1)." };
        var command = new Command("gemm", "Our managed SGEMM vs OpenBLAS cblas_sgemm: median GFLOP/s, interleaved runs.")
        {
            threads, reps, minMs, warmupMs, sizes, suite, best, cpuTime,
        };
        command.SetAction(parse =>
        {
            var options = new GemmBenchOptions
            {
                Threads = parse.GetValue(threads),
                Repetitions = parse.GetValue(reps),
                MinMilliseconds = parse.GetValue(minMs),
                WarmupMilliseconds = parse.GetValue(warmupMs),
                Sizes = parse.GetValue(sizes) ?? [],
                Suite = parse.GetValue(suite) ?? "",
                Best = parse.GetValue(best),
                CpuTime = parse.GetValue(cpuTime),
            };
            try
            {
                options.Validate();
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }
            Run(options, Console.Out);
            return 0;
        });
        return command;
    }

    /// <summary>Runs the benchmark and writes the table (rows as they finish) to <paramref name="output"/>.</summary>
    public static void Run(GemmBenchOptions options, TextWriter output)
    {
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(inv, $"# Rebel.Benchmarks gemm: threads={options.Threads}, reps={options.Repetitions} ({(options.Best ? "best" : "median")}, {(options.CpuTime ? "thread CPU time" : "wall clock")}), " +
            $"min {options.MinMilliseconds} ms per rep, {options.WarmupMilliseconds} ms warm-up, {Environment.ProcessorCount} logical CPUs, .NET {Environment.Version}"));
        if (!Gemm.IsBlasAvailable) output.WriteLine("# OpenBLAS (libopenblas.so.0) not found: only our kernel is timed.");
        output.WriteLine();
        output.WriteLine("| shape | op (m×n×k) | ours GFLOP/s | OpenBLAS GFLOP/s | ours/OpenBLAS |");
        output.WriteLine("|---|---|---:|---:|---:|");
        var rows = new GemmBenchmark(options).Run(row => output.WriteLine(string.Create(inv,
            $"| {row.Shape.Name} | {row.Shape.Description} | {row.Managed:F1} | {Format(row.Blas, "F1")} | {Format(row.Ratio, "P0")} |")));
        var ratios = rows.Where(r => !double.IsNaN(r.Ratio)).Select(r => r.Ratio).ToList();
        if (ratios.Count > 0)
            output.WriteLine(string.Create(inv,
                $"\nours/OpenBLAS: min {Format(ratios.Min(), "P0")}, geometric mean {Format(Math.Exp(ratios.Average(Math.Log)), "P0")}"));
    }

    private static string Format(double x, string format) =>
        double.IsNaN(x) ? "n/a" : x.ToString(format, CultureInfo.InvariantCulture).Replace(" ", "");
}
