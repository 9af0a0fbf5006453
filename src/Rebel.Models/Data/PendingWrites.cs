namespace Rebel.Models.Data;

/// <summary>
/// The temporary files and folders of atomic writes in progress in this process. When the process exits (the end of
/// <c>Main</c>, or <see cref="Environment.Exit"/> after a second Ctrl-C) every write in progress is given up to
/// <see cref="ExitWait"/> to finish; whatever temporary path is still registered after that is deleted, so an
/// interrupted run leaves no <c>*.tmp-PID</c> behind.
/// </summary>
public static class PendingWrites
{
    /// <summary>How long process exit waits for atomic writes in progress: 30 s.</summary>
    public static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(30);

    private static readonly Dictionary<string, int> Paths = new(StringComparer.Ordinal);
    private static bool _closing;

    static PendingWrites() => AppDomain.CurrentDomain.ProcessExit += (_, _) => Drain(ExitWait);

    /// <summary>
    /// Registers <paramref name="temporaryPath"/> (a file or a folder) for the duration of a write; dispose the result
    /// when the write has been renamed into place or cleaned up.
    /// </summary>
    /// <exception cref="IOException">The process is exiting; no new write starts.</exception>
    public static IDisposable Begin(string temporaryPath)
    {
        lock (Paths)
        {
            if (_closing) throw new IOException($"{temporaryPath}: not written, the process is stopping");
            Paths[temporaryPath] = Paths.GetValueOrDefault(temporaryPath) + 1;
        }
        return new Scope(temporaryPath);
    }

    /// <summary>Deletes <paramref name="path"/> (file or folder) if it exists; never throws.</summary>
    public static void TryDelete(string path)
    {
        try
        {
            if (File.Exists(path)) File.Delete(path);
            else if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the write already failed, and that failure is what gets reported.
        }
    }

    /// <summary>Stops new writes, waits up to <paramref name="wait"/> for those in progress, then deletes what is left.</summary>
    internal static void Drain(TimeSpan wait)
    {
        var deadline = DateTime.UtcNow + wait;
        string[] left;
        lock (Paths)
        {
            _closing = true;
            while (Paths.Count > 0 && DateTime.UtcNow < deadline)
                Monitor.Wait(Paths, TimeSpan.FromMilliseconds(50));
            left = [.. Paths.Keys];
        }
        foreach (var path in left) TryDelete(path);
    }

    /// <summary>Accepts new writes again after <see cref="Drain"/> (tests only: a real exit never comes back).</summary>
    internal static void Reopen()
    {
        lock (Paths) _closing = false;
    }

    private sealed class Scope(string path) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            lock (Paths)
            {
                if (Paths.TryGetValue(path, out int n) && n > 1) Paths[path] = n - 1;
                else Paths.Remove(path);
                Monitor.PulseAll(Paths);
            }
        }
    }
}
