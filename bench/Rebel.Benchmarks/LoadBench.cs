using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Rebel.Models;

namespace Rebel.Benchmarks;

/// <summary>
/// <c>Rebel.Benchmarks load --model DIR</c>: loads one model folder once (<see cref="ModelFolder.Load"/>: memory-mapped
/// safetensors converted to float32 tensor by tensor) and prints one JSON line with the wall time and the process's CPU
/// time (user + system, all threads) of the load, the process's resident
/// memory before loading and at its peak, the time to build an initialized model of the same config alone (measured
/// after the peak), the float32 size of the weights and the size of the weights files. One load per
/// process, so that the peak belongs to it; <c>bench/load.sh</c> repeats it and takes medians.
/// </summary>
internal static class LoadBench
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "The model folder to load (e.g. tools/gguf/make_smollm2_shape.py's BF16 folder).", Required = true };
        var command = new Command("load", "Time and peak memory of loading a model folder (one load per process).") { model };
        command.SetAction(parse =>
        {
            parse.InvocationConfiguration.Output.WriteLine(Run(parse.GetValue(model)!));
            return 0;
        });
        return command;
    }

    internal static string Run(string directory)
    {
        long before = Process.GetCurrentProcess().WorkingSet64;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var model = ModelFolder.Load(directory);
        double ms = clock.Elapsed.TotalMilliseconds;
        double cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds;   // what a busy machine does not inflate
        long peak = Process.GetCurrentProcess().PeakWorkingSet64;
        long parameters = model.Parameters.Sum(p => (long)p.Value.Size);
        long fileBytes = Directory.GetFiles(directory, "*.safetensors").Sum(f => new FileInfo(f).Length);
        const double mb = 1048576.0;
        GC.KeepAlive(model);
        clock.Restart();                                                      // after the peak was read: the share of building
        GC.KeepAlive(ModelFolder.CreateFromConfig(directory));                // the (randomly initialized) model in the load time
        double buildMs = clock.Elapsed.TotalMilliseconds;
        return string.Create(CultureInfo.InvariantCulture,
            $"{{\"impl\":\"rebel\",\"load_ms\":{ms:F1},\"load_cpu_ms\":{cpuMs:F1},\"build_ms\":{buildMs:F1},\"rss_before_mb\":{before / mb:F1},\"peak_rss_mb\":{peak / mb:F1},\"parameters\":{parameters}," +
            $"\"f32_mb\":{parameters * 4 / mb:F1},\"file_mb\":{fileBytes / mb:F1},\"model_type\":\"{model.ModelType}\"}}");
    }
}
