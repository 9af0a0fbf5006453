using Rebel.SelfPlay.Resume;

namespace Rebel.SelfPlay.Tests.Resume;

public class BoundedBatchesTests
{
    [Test]
    public async Task RunsEveryBatch_WithAtMostTheGivenNumberInFlight()
    {
        int inFlight = 0, most = 0, done = 0;
        var batches = Enumerable.Range(0, 40).Chunk(3);
        await BoundedBatches.RunAsync(batches, 2, async (batch, ct) =>
        {
            int now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref most, now);
            await Task.Delay(2, ct);
            Interlocked.Add(ref done, batch.Length);
            Interlocked.Decrement(ref inFlight);
        }, CancellationToken.None);
        Assert.That(done, Is.EqualTo(40));
        Assert.That(most, Is.InRange(1, 2));
    }

    [Test]
    public void FirstFailure_IsRethrown_AndStopsTheBatchesStillWaiting()
    {
        int started = 0;
        var e = Assert.ThrowsAsync<InvalidDataException>(() => BoundedBatches.RunAsync(Enumerable.Range(0, 50).Chunk(1), 1, async (batch, ct) =>
        {
            Interlocked.Increment(ref started);
            await Task.Yield();
            if (batch[0] == 3) throw new InvalidDataException("batch 3 failed");
        }, CancellationToken.None));
        Assert.That(e!.Message, Is.EqualTo("batch 3 failed"), "the failure itself, not the cancellations it caused");
        Assert.That(started, Is.LessThan(50), "batches waiting behind the failure were not started");
    }

    [Test]
    public void CallerCancellation_Surfaces_AsOperationCanceled()
    {
        using var cts = new CancellationTokenSource();
        Assert.That(async () => await BoundedBatches.RunAsync(Enumerable.Range(0, 10).Chunk(1), 1, async (batch, ct) =>
        {
            if (batch[0] == 2) cts.Cancel();
            await Task.Delay(1, ct);
        }, cts.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    private static void InterlockedMax(ref int target, int value)
    {
        for (int seen; value > (seen = Volatile.Read(ref target));)
            if (Interlocked.CompareExchange(ref target, value, seen) == seen) return;
    }
}
