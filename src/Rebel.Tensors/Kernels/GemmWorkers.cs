using System.Diagnostics;

namespace Rebel.Tensors.Kernels;

/// <summary>
/// Helper threads for the multi-threaded GEMM driver that stay awake briefly between calls, so back-to-back products
/// start on every core at once instead of paying a thread-pool wake-up (≈ 0.1 ms, as long as a 128³ product) each.
/// </summary>
/// <remarks>
/// <see cref="Run"/> runs the body on the calling thread and offers it to <c>workers − 1</c> helpers. The body must
/// share its work through a counter (each invocation takes tasks until none is left), because a helper may start late
/// or not at all: once the caller's own invocation returns, every task has been taken, so the job is closed and a helper
/// that arrives afterwards skips it. <see cref="Run"/> returns when every invocation that did start has returned.
/// A helper spins for <see cref="SpinSeconds"/> after its last job (yielding the core to others now and then), then
/// sleeps on a semaphore. Only one caller uses the helpers at a time; a concurrent caller falls back to the thread pool.
/// </remarks>
internal static class GemmWorkers
{
    /// <summary>How long an idle helper keeps polling for the next job before it sleeps.</summary>
    internal const double SpinSeconds = 200e-6;

    private static readonly object s_grow = new();
    private static Helper[] s_helpers = [];
    private static int s_inUse;

    /// <summary>Runs <paramref name="body"/>(0) here and <paramref name="body"/>(i) on helper i (1 ≤ i &lt; workers) that start in time.</summary>
    /// <exception cref="AggregateException">An invocation threw (after all started invocations have returned).</exception>
    public static void Run(int workers, Action<int> body)
    {
        if (workers <= 1)
        {
            body(0);
            return;
        }
        if (Interlocked.CompareExchange(ref s_inUse, 1, 0) != 0)
        {
            Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, body);
            return;
        }
        try
        {
            var helpers = Helpers(workers - 1);
            var job = new Job(body);
            for (int h = 0; h < workers - 1; h++) helpers[h].Post(job);
            try
            {
                body(0);
            }
            catch (Exception e)
            {
                job.Fail(e);
            }
            job.CloseAndWait();
            if (job.Error is { } error) throw new AggregateException(error);
        }
        finally
        {
            Volatile.Write(ref s_inUse, 0);
        }
    }

    private static Helper[] Helpers(int count)
    {
        var helpers = s_helpers;
        if (helpers.Length >= count) return helpers;
        lock (s_grow)
        {
            if (s_helpers.Length < count)
            {
                var grown = new Helper[count];
                s_helpers.CopyTo(grown, 0);
                for (int h = s_helpers.Length; h < count; h++) grown[h] = new Helper(h + 1);
                s_helpers = grown;
            }
            return s_helpers;
        }
    }

    /// <summary>One call's body, the number of helpers inside it, and whether it still admits helpers.</summary>
    private sealed class Job(Action<int> body)
    {
        private const int Closed = 1 << 30;
        private int _state; // helpers running the body, plus Closed once the caller's own invocation has returned
        private Exception? _error;

        public Exception? Error => Volatile.Read(ref _error);

        /// <summary>Runs the body as worker <paramref name="index"/> unless the job is already closed.</summary>
        public void TryRun(int index)
        {
            int s;
            do
            {
                s = Volatile.Read(ref _state);
                if ((s & Closed) != 0) return;
            } while (Interlocked.CompareExchange(ref _state, s + 1, s) != s);
            try
            {
                body(index);
            }
            catch (Exception e)
            {
                Fail(e);
            }
            finally
            {
                Interlocked.Decrement(ref _state);
            }
        }

        public void Fail(Exception e) => Interlocked.CompareExchange(ref _error, e, null);

        /// <summary>Admits no more helpers, then waits for those inside the body.</summary>
        public void CloseAndWait()
        {
            if ((Interlocked.Or(ref _state, Closed) & ~Closed) == 0) return;
            var spin = new SpinWait();
            while ((Volatile.Read(ref _state) & ~Closed) != 0) spin.SpinOnce(sleep1Threshold: -1);
        }
    }

    /// <summary>A background thread that runs posted jobs; it polls for a while after each one, then sleeps.</summary>
    private sealed class Helper
    {
        private readonly int _index;
        private readonly SemaphoreSlim _wake = new(0);
        private Job? _pending;
        private int _sleeping;

        public Helper(int index)
        {
            _index = index;
            new Thread(Loop) { IsBackground = true, Name = $"Rebel GEMM helper {index}" }.Start();
        }

        /// <summary>Hands <paramref name="job"/> to this helper (replacing one it has not taken yet, which is closed by now).</summary>
        public void Post(Job job)
        {
            Interlocked.Exchange(ref _pending, job);
            if (Interlocked.Exchange(ref _sleeping, 0) == 1) _wake.Release();
        }

        private void Loop()
        {
            long spinTicks = (long)(SpinSeconds * Stopwatch.Frequency);
            long idleSince = Stopwatch.GetTimestamp();
            for (int polls = 0; ; polls++)
            {
                if (Interlocked.Exchange(ref _pending, null) is { } job)
                {
                    job.TryRun(_index);
                    idleSince = Stopwatch.GetTimestamp();
                    continue;
                }
                if (Stopwatch.GetTimestamp() - idleSince < spinTicks)
                {
                    if (polls % 64 == 63) Thread.Yield(); // let another runnable thread have this core on a busy machine
                    else Thread.SpinWait(20);
                    continue;
                }
                // Sleep. Announce it first, then look once more: either this sees the job or Post sees the announcement.
                Interlocked.Exchange(ref _sleeping, 1);
                if (Volatile.Read(ref _pending) is not null && Interlocked.Exchange(ref _sleeping, 0) == 1) continue;
                _wake.Wait(); // released by Post (also when Post took the announcement back just before the check above)
                idleSince = Stopwatch.GetTimestamp();
            }
        }
    }
}
