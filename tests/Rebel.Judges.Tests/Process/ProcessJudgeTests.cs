using Rebel.Judges.Process;
using Rebel.Preference;

namespace Rebel.Judges.Tests.Process;

[NonParallelizable]
public class ProcessJudgeTests
{
    private static readonly string Example = Path.Combine(AppContext.BaseDirectory, "examples", "judges", "reward_judge.py");

    private static bool IsRunning(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat)) return false;
        try
        {
            var text = File.ReadAllText(stat);
            return text[(text.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static int[] Pids(string file) => File.ReadAllLines(file).Where(l => l.Length > 0).Select(int.Parse).ToArray();

    [Test]
    public async Task ExampleScript_ServesSeveralBatches_FromOneChild_AndStopsOnDispose()
    {
        Assume.That(File.Exists(Example), Is.True);
        int pid;
        using (var judge = new ProcessJudge($"python3 {Example}", TimeSpan.FromSeconds(30)))
        {
            const string prompt = "Describe the river and the forest";
            const string good = "The river winds through the forest, cold and clear, past old stones and the roots of tall pines under grey morning skies.";
            const string bad = "Cats.";
            var first = await judge.JudgeAsync([new(prompt, good, bad), new(prompt, bad, good)]);
            var second = await judge.JudgeAsync([new(prompt, good, good)]);

            Assert.That(first[0].P, Is.GreaterThan(0.8));
            Assert.That(first[0].P + first[1].P, Is.EqualTo(1.0).Within(1e-12));
            Assert.That(first[0].Rationale, Does.StartWith("r_a="));
            Assert.That(second[0].P, Is.EqualTo(0.5));
            Assert.That(judge.Starts, Is.EqualTo(1), "one long-lived child for both batches");
            pid = judge.ChildProcessId ?? throw new AssertionException("the child is not running");
            Assert.That(IsRunning(pid), Is.True);
        }
        Assert.That(IsRunning(pid), Is.False, "Dispose stops the child");
    }

    [Test]
    public void ChildThatExits_IsAClearError_AndAFreshChildStartsNextTime()
    {
        using var judge = new ProcessJudge("read line; echo 'model file missing' >&2; exit 3", TimeSpan.FromSeconds(10));
        var e = Assert.ThrowsAsync<JudgeException>(() => judge.JudgeAsync([new("p", "a", "b")]));
        Assert.That(e!.Message, Does.Contain("exit code 3").And.Contain("model file missing"));
        Assert.ThrowsAsync<JudgeException>(() => judge.JudgeAsync([new("p", "a", "b")]));
        Assert.That(judge.Starts, Is.EqualTo(2));
    }

    [Test]
    public void MissingCommand_IsAClearError()
    {
        using var judge = new ProcessJudge("no-such-judge-command-xyz", TimeSpan.FromSeconds(10));
        var e = Assert.ThrowsAsync<JudgeException>(() => judge.JudgeAsync([new("p", "a", "b")]));
        Assert.That(e!.Message, Does.Contain("exit code 127").And.Contain("not found"));
    }

    [Test]
    public void Garbage_IsQuotedInTheError()
    {
        using var judge = new ProcessJudge("read line; echo 'loading weights...'; sleep 5", TimeSpan.FromSeconds(10));
        var e = Assert.ThrowsAsync<JudgeException>(() => judge.JudgeAsync([new("p", "a", "b")]));
        Assert.That(e!.Message, Does.Contain("not JSON").And.Contain("loading weights..."));
    }

    [Test]
    public void WrongIdOrCount_OrReportedError_AreClearErrors()
    {
        using (var wrongId = new ProcessJudge("""read line; echo '{"id": 9, "p": [0.5]}'; sleep 5""", TimeSpan.FromSeconds(10)))
            Assert.That(Assert.ThrowsAsync<JudgeException>(() => wrongId.JudgeAsync([new("p", "a", "b")]))!.Message, Does.Contain("\"id\" is 9, expected 1"));
        using (var wrongCount = new ProcessJudge("""read line; echo '{"id": 1, "p": [0.5]}'; sleep 5""", TimeSpan.FromSeconds(10)))
            Assert.That(Assert.ThrowsAsync<JudgeException>(() => wrongCount.JudgeAsync([new("p", "a", "b"), new("p", "a", "c")]))!.Message,
                Does.Contain("1 probabilities for 2"));
        using (var reported = new ProcessJudge("""read line; echo '{"id": 1, "error": "CUDA out of memory"}'; sleep 5""", TimeSpan.FromSeconds(10)))
            Assert.That(Assert.ThrowsAsync<JudgeException>(() => reported.JudgeAsync([new("p", "a", "b")]))!.Message, Does.Contain("CUDA out of memory"));
    }

    [Test]
    public void Timeout_KillsTheChildAndItsChildren()
    {
        using var dir = new TempDirectory();
        var pids = dir.File("pids");
        // 3 s leaves a loaded machine time to start the shell and its sleep before the judge gives up.
        using var judge = new ProcessJudge($"echo $$ > {pids}; read line; sleep 30 & echo $! >> {pids}; wait", TimeSpan.FromSeconds(3));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var e = Assert.ThrowsAsync<JudgeException>(() => judge.JudgeAsync([new("p", "a", "b")]));
        Assert.That(e!.Message, Does.Contain("no answer within 3 s"));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(20)));
        var started = Pids(pids);
        Assert.That(started, Has.Length.EqualTo(2));
        var gone = System.Diagnostics.Stopwatch.StartNew();
        while (started.Any(IsRunning) && gone.Elapsed < TimeSpan.FromSeconds(5)) Thread.Sleep(50);   // killed processes take a moment to vanish
        Assert.That(started.Where(IsRunning), Is.Empty, "the shell and its sleep are gone");
    }

    [Test]
    public void SpecTimeout_IsTheTimeUsed()
    {
        // The timeout comes from the spec (process[timeout=S]:...), not the fixed default of 5 minutes.
        using var judge = Rebel.Judges.Spec.JudgeSpec.Parse("process[timeout=1.5]:read line; sleep 30");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var e = Assert.ThrowsAsync<JudgeException>(() => judge.JudgeAsync([new("p", "a", "b")]));
        Assert.That(e!.Message, Does.Contain("no answer within 1.5 s"));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(20)));
    }

    [Test]
    public void Cancellation_StopsTheChild()
    {
        using var judge = new ProcessJudge("read line; sleep 30", TimeSpan.FromSeconds(30));
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        Assert.CatchAsync<OperationCanceledException>(() => judge.JudgeAsync([new("p", "a", "b")], cancel.Token));
        Assert.That(judge.ChildProcessId, Is.Null);
    }

    [Test]
    public void Constructor_RejectsEmptyCommandAndBadTimeout()
    {
        Assert.Throws<ArgumentException>(() => _ = new ProcessJudge(" "));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new ProcessJudge("cat", TimeSpan.Zero));
    }
}
