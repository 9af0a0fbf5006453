using System.Runtime.InteropServices;

namespace Rebel.Benchmarks;

/// <summary>
/// CPU time consumed by the calling thread (Linux <c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>). On a busy shared
/// machine it excludes the time the thread spent descheduled, so single-threaded timings stay comparable.
/// </summary>
internal static partial class ThreadCpuClock
{
    private const int ClockThreadCpuTimeId = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    /// <summary>True on Linux, where the clock exists.</summary>
    public static bool IsSupported => OperatingSystem.IsLinux();

    /// <summary>The calling thread's CPU time in seconds.</summary>
    public static double Now()
    {
        if (!IsSupported || ClockGetTime(ClockThreadCpuTimeId, out var t) != 0)
            throw new PlatformNotSupportedException("Per-thread CPU time (CLOCK_THREAD_CPUTIME_ID) is not available here.");
        return t.Seconds + t.Nanoseconds * 1e-9;
    }
}
