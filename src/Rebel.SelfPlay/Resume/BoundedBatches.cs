using System.Runtime.ExceptionServices;

namespace Rebel.SelfPlay.Resume;

/// <summary>
/// Runs an asynchronous call per batch with at most a given number in flight — the judging loop of tournaments and
/// win-rate evaluations. The first failure cancels the batches still waiting (batches already finished keep their
/// effects, e.g. saved verdicts), and the failure that started it is rethrown rather than the cancellations it caused.
/// </summary>
internal static class BoundedBatches
{
    /// <summary>Calls <paramref name="body"/> on every batch, at most <paramref name="concurrency"/> at once.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled and no call failed otherwise.</exception>
    public static async Task RunAsync<T>(IEnumerable<T[]> batches, int concurrency, Func<T[], CancellationToken, Task> body,
        CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var slots = new SemaphoreSlim(concurrency);
        var calls = batches.Select(async batch =>
        {
            await slots.WaitAsync(stop.Token).ConfigureAwait(false);
            try
            {
                await body(batch, stop.Token).ConfigureAwait(false);
            }
            catch (Exception) when (!stop.IsCancellationRequested)
            {
                stop.Cancel(); // one failure stops the batches still waiting
                throw;
            }
            finally
            {
                slots.Release();
            }
        }).ToList();

        try
        {
            await Task.WhenAll(calls).ConfigureAwait(false);
        }
        catch (Exception)
        {
            var failure = calls.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!).FirstOrDefault(e => e is not OperationCanceledException);
            if (failure is not null) ExceptionDispatchInfo.Capture(failure).Throw();
            cancellationToken.ThrowIfCancellationRequested();
            throw;
        }
    }
}
