using Rebel.Tensors.Kernels;

namespace Rebel.Tensors.Tests.Kernels;

[TestFixture]
public class GemmWorkersTests
{
    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void Run_SharedCounter_EveryTaskOnceAndAllBodiesReturned(int workers)
    {
        for (int round = 0; round < 200; round++)
        {
            const int tasks = 37;
            var done = new int[tasks];
            int next = 0, inside = 0, bodies = 0;
            GemmWorkers.Run(workers, w =>
            {
                Interlocked.Increment(ref inside);
                Interlocked.Increment(ref bodies);
                for (int t; (t = Interlocked.Increment(ref next) - 1) < tasks;) Interlocked.Increment(ref done[t]);
                Thread.SpinWait(100);
                Interlocked.Decrement(ref inside);
            });
            Assert.That(done, Is.All.EqualTo(1), $"round {round}");
            Assert.That(Volatile.Read(ref inside), Is.Zero, "Run returned while a body was still running");
            Assert.That(bodies, Is.InRange(1, workers));
        }
    }

    [Test]
    public void Run_ConcurrentCallers_EachCompletesItsOwnWork()
    {
        var sums = new long[4];
        Parallel.For(0, sums.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, caller =>
        {
            for (int round = 0; round < 50; round++)
            {
                int next = 0;
                GemmWorkers.Run(2, _ =>
                {
                    for (int t; (t = Interlocked.Increment(ref next) - 1) < 100;) Interlocked.Add(ref sums[caller], t);
                });
            }
        });
        Assert.That(sums, Is.All.EqualTo(50L * 4950));
    }

    [Test]
    public void Run_BodyThrows_RethrowsAfterTheOthersReturn()
    {
        int next = 0;
        var e = Assert.Throws<AggregateException>(() => GemmWorkers.Run(2, _ =>
        {
            if (Interlocked.Increment(ref next) == 1) throw new InvalidOperationException("boom");
        }));
        Assert.That(e!.InnerException, Is.TypeOf<InvalidOperationException>().With.Message.EqualTo("boom"));
        int after = 0;
        GemmWorkers.Run(2, _ => Interlocked.Increment(ref after));
        Assert.That(after, Is.InRange(1, 2), "the helpers still serve later calls");
    }
}
