using Rebel.Judges.Caching;
using Rebel.Preference;

namespace Rebel.Judges.Tests.Caching;

public class CachingJudgeTests
{
    /// <summary>An inner judge that counts the comparisons it is asked, and can stop the run after some calls.</summary>
    private sealed class CountingJudge(string id, int cancelOnCall = int.MaxValue, CancellationTokenSource? kill = null) : IPairwiseJudge
    {
        public int Calls;
        public List<Comparison> Asked { get; } = [];
        public string Id => id;

        public async Task<IReadOnlyList<Verdict>> JudgeAsync(IReadOnlyList<Comparison> comparisons, CancellationToken cancellationToken = default)
        {
            if (++Calls == cancelOnCall)
            {
                await kill!.CancelAsync();
                await Task.Delay(Timeout.Infinite, cancellationToken); // killed while this chunk is in flight
            }
            Asked.AddRange(comparisons);
            return comparisons.Select(c => new Verdict(c.A.Length / (double)(c.A.Length + c.B.Length), rawAnswer: "raw " + c.A)).ToArray();
        }

        public void Dispose()
        {
        }
    }

    private static Comparison[] Batch(int n) =>
        Enumerable.Range(0, n).Select(i => new Comparison($"prompt {i}", new string('a', i + 1), "bb")).ToArray();

    [Test]
    public async Task KillAndRestart_ReadsBackFinishedVerdicts_AndAsksOnlyForTheRest()
    {
        using var dir = new TempDirectory();
        var path = dir.File("verdicts.db");
        var batch = Batch(10);

        using var kill = new CancellationTokenSource();
        var first = new CountingJudge("inner", cancelOnCall: 3, kill);
        var killed = new CachingJudge(first, path, chunkSize: 2);
        Assert.CatchAsync<OperationCanceledException>(() => killed.JudgeAsync(batch, kill.Token));
        Assert.That(first.Asked, Has.Count.EqualTo(4), "two chunks of two finished before the kill");
        // The killed instance is never disposed (as after a crash); a new one opens the same file.

        var second = new CountingJudge("inner");
        using (var restarted = new CachingJudge(second, path, chunkSize: 2))
        {
            var verdicts = await restarted.JudgeAsync(batch);
            Assert.That(second.Asked, Is.EqualTo(batch[4..]), "only the six unfinished comparisons are asked");
            Assert.That((restarted.Hits, restarted.Misses), Is.EqualTo((4L, 6L)));
            Assert.That(verdicts.Select(v => v.P), Is.EqualTo(batch.Select(c => c.A.Length / (double)(c.A.Length + 2))).Within(1e-15));
            Assert.That(verdicts[0].RawAnswer, Is.EqualTo("raw a"), "metadata survives the file");
        }

        var third = new CountingJudge("inner");
        using (var rerun = new CachingJudge(third, path))
        {
            await rerun.JudgeAsync(batch);
            Assert.That(third.Calls, Is.Zero, "a rerun never pays twice");
        }
        killed.Dispose();
    }

    [Test]
    public async Task KeysIncludeJudgeId_AndDuplicatesInABatchAreAskedOnce()
    {
        using var dir = new TempDirectory();
        var path = dir.File("c.db");
        var c = new Comparison("p", "aaa", "b");
        var one = new CountingJudge("one");
        using (var cache = new CachingJudge(one, path))
        {
            var v = await cache.JudgeAsync([c, c, c.Swapped(), c]);
            Assert.That(one.Asked, Has.Count.EqualTo(2));
            Assert.That(v[0].P, Is.EqualTo(v[3].P));
            Assert.That(v[2].P, Is.EqualTo(0.25));
        }
        var two = new CountingJudge("two");
        using (var cache = new CachingJudge(two, path))
        {
            await cache.JudgeAsync([c]);
            Assert.That(two.Asked, Has.Count.EqualTo(1), "another judge id is another key");
        }
    }

    [Test]
    public async Task Statistics_CountTheComparisonsAnsweredFromTheFile()
    {
        using var dir = new TempDirectory();
        var c = new Comparison("p", "aaa", "b");
        using var cache = new CachingJudge(new CountingJudge("one"), dir.File("c.db"));
        IJudgeStatistics statistics = cache;
        await cache.JudgeAsync([c]);
        Assert.That(statistics.CacheHits, Is.Zero, "the first question is a miss");
        await cache.JudgeAsync([c, c.Swapped(), c]);
        Assert.That(statistics.CacheHits, Is.EqualTo(2), "c twice from the file; its swap is another key");
        Assert.That(statistics.CacheHits, Is.EqualTo(cache.Hits));
    }

    [Test]
    public void Key_SeparatesFieldBoundaries()
    {
        var k1 = CachingJudge.Key("j", new Comparison("ab", "c", "d"));
        var k2 = CachingJudge.Key("j", new Comparison("a", "bc", "d"));
        Assert.That(k1, Is.Not.EqualTo(k2));
    }

    [Test]
    public void InnerFailure_IsReportedWithTheCallersIndex()
    {
        using var dir = new TempDirectory();
        var inner = new FunctionJudge("f", c => c.Prompt == "bad" ? 7 : 0.5);
        using var cache = new CachingJudge(inner, dir.File("c.db"), chunkSize: 1);
        var e = Assert.ThrowsAsync<JudgeException>(() => cache.JudgeAsync([new("ok", "a", "b"), new("ok", "a", "c"), new("bad", "a", "b")]));
        Assert.That(e!.Index, Is.EqualTo(2));
        Assert.That(e.Message, Does.Contain("bad"));
    }

    [Test]
    public void UnopenableFile_IsAClearError()
    {
        using var dir = new TempDirectory();
        var notADatabase = dir.File("text.db");
        File.WriteAllText(notADatabase, new string('x', 4096));
        var e = Assert.Throws<JudgeException>(() => _ = new CachingJudge(new FunctionJudge("f", _ => 0.5), notADatabase));
        Assert.That(e!.Message, Does.Contain("text.db"));
    }
}
