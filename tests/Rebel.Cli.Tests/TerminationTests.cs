using System.Diagnostics;
using System.Runtime.InteropServices;
using static Rebel.Cli.Tests.ModelCommandFixture;

namespace Rebel.Cli.Tests;

/// <summary>
/// Fault injection: the built <c>rebel</c> runs as a child process, is sent SIGINT or SIGTERM while a <c>process:</c>
/// judge hangs, and must stop saying how to resume, with the shell's exit code, no judge child left running and no
/// temporary file left behind.
/// </summary>
[NonParallelizable]
public partial class TerminationTests
{
    private const int SIGINT = 2;
    private const int SIGTERM = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    private static bool IsRunning(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        try
        {
            var text = File.ReadAllText(stat);
            return text[(text.LastIndexOf(')') + 2)] != 'Z';                    // a zombie has stopped running
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    [TestCase(SIGINT, 130)]
    [TestCase(SIGTERM, 143)]
    public void Judge_Signal_StopsCleanly_SaysHowToResume_AndLeavesNothingBehind(int signal, int exitCode)
    {
        Assume.That(OperatingSystem.IsLinux(), "POSIX signals");
        var dir = Scratch();
        var pairs = Path.Combine(dir, "pairs.jsonl");
        File.WriteAllText(pairs, """{"prompt": "p", "a": "x", "b": "y"}""" + "\n");
        var pidFile = Path.Combine(dir, "judge.pid");
        var output = Path.Combine(dir, "out", "verdicts.jsonl");
        var rebel = Path.Combine(AppContext.BaseDirectory, "rebel.dll");
        var dotnet = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        // env --default-signal: a test run from a background shell job inherits SIGINT ignored; the child must not.
        var info = new ProcessStartInfo("env")
        {
            ArgumentList =
            {
                "--default-signal=INT,TERM", dotnet, rebel, "judge", "--judge", $"process:echo $$ > {pidFile}; exec sleep 300",
                "--input", pairs, "--output", output,
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = dir,
        };
        using var rebelProcess = Process.Start(info)!;
        var stderr = rebelProcess.StandardError.ReadToEndAsync();
        var stdout = rebelProcess.StandardOutput.ReadToEndAsync();
        try
        {
            var clock = Stopwatch.StartNew();
            while (!(File.Exists(pidFile) && File.ReadAllText(pidFile).Trim().Length > 0) && clock.Elapsed < TimeSpan.FromSeconds(90) && !rebelProcess.HasExited)
                Thread.Sleep(100);
            Assert.That(File.Exists(pidFile), Is.True, "the judge's child started");
            int judgePid = int.Parse(File.ReadAllText(pidFile).Trim());
            Assert.That(IsRunning(judgePid), Is.True);

            Assert.That(Kill(rebelProcess.Id, signal), Is.Zero);
            Assert.That(rebelProcess.WaitForExit(TimeSpan.FromSeconds(60)), Is.True, "rebel stops after the signal");
            rebelProcess.WaitForExit();

            var error = stderr.Result;
            Assert.That(rebelProcess.ExitCode, Is.EqualTo(exitCode), error);
            Assert.That(error, Does.Contain("cancelled; rerun the same command to resume"));
            Assert.That(error, Does.Not.Contain("   at "), "no stack trace");
            var gone = Stopwatch.StartNew();
            while (IsRunning(judgePid) && gone.Elapsed < TimeSpan.FromSeconds(5)) Thread.Sleep(50);
            Assert.That(IsRunning(judgePid), Is.False, "the judge's child process was killed");
            var left = Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Select(Path.GetFileName);
            Assert.That(left, Is.EquivalentTo(new[] { "pairs.jsonl", "judge.pid" }), "no output and no *.tmp-PID file");
            _ = stdout.Result;
        }
        finally
        {
            if (!rebelProcess.HasExited) rebelProcess.Kill(entireProcessTree: true);
            Directory.Delete(dir, recursive: true);
        }
    }
}
