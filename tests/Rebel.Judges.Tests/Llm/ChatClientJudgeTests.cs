using System.Net;
using Microsoft.Extensions.AI;
using Rebel.Judges.Llm;
using Rebel.Preference;

namespace Rebel.Judges.Tests.Llm;

/// <summary>A library user's own <see cref="IChatClient"/> as a pairwise judge, with no HTTP in between.</summary>
public class ChatClientJudgeTests
{
    /// <summary>A chat client that answers each request with <paramref name="answer"/>(the request's text, call number).</summary>
    private sealed class ScriptedClient(Func<string, int, string> answer) : IChatClient
    {
        private int _calls;
        public int Calls => _calls;
        public bool Disposed { get; private set; }

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            int call = Interlocked.Increment(ref _calls);
            var text = string.Concat(messages.Select(m => m.Text));
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, answer(text, call))));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("the judge does not stream");

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("scripted", defaultModelId: "m1") : null;

        public void Dispose() => Disposed = true;
    }

    private static readonly ChatJudgeOptions Fast = new() { RetryBaseDelay = TimeSpan.FromMilliseconds(1), MaxRetries = 2 };

    /// <summary>Prefers the response that mentions "river", wherever it is shown.</summary>
    private static string PrefersRiver(string text, int _)
    {
        string a = text[text.IndexOf("[Response A]", StringComparison.Ordinal)..text.IndexOf("[Response B]", StringComparison.Ordinal)];
        return a.Contains("river") ? "A" : "B";
    }

    [Test]
    public async Task AnyClient_AsksBothOrders_AndAveragesThem()
    {
        var client = new ScriptedClient(PrefersRiver);
        using (var judge = new ChatClientJudge(client, Fast))
        {
            var v = await judge.JudgeAsync([new Comparison("p", "a river", "a cat"), new Comparison("p", "a cat", "a river")]);
            Assert.That(v.Select(x => x.P), Is.EqualTo(new[] { 1.0, 0.0 }));
            Assert.That((client.Calls, judge.Requests), Is.EqualTo((4, 4L)), "two questions per pair");
            Assert.That(judge.Id, Is.EqualTo("chat:scripted/m1"));
        }
        Assert.That(client.Disposed, Is.True, "the judge owns the client by default");
    }

    [Test]
    public async Task FirstPositionClient_GetsAHalfFromTheAverageNotFromAFailure()
    {
        using var judge = new ChatClientJudge(new ScriptedClient((_, _) => "A"), Fast, id: "always-a");
        var v = await judge.JudgeAsync([new Comparison("p", "x", "y")]);
        Assert.That(v[0].P, Is.EqualTo(0.5));
        Assert.That(v[0].RawAnswer, Is.EqualTo("A | A"));
        Assert.That(judge.Id, Is.EqualTo("always-a"));
    }

    [Test]
    public void UnreadableAnswer_Raises()
    {
        using var judge = new ChatClientJudge(new ScriptedClient((_, _) => "Both are fine."), Fast);
        var e = Assert.ThrowsAsync<JudgeException>(() => judge.JudgeAsync([new Comparison("p", "x", "y")]));
        Assert.That(e!.Message, Does.Contain("Both are fine."));
    }

    [Test]
    public async Task TransientFailures_AreRetried_OthersRaiseAtOnce()
    {
        var flaky = new ScriptedClient((text, call) => call <= 2
            ? throw new HttpRequestException("busy", null, HttpStatusCode.ServiceUnavailable)
            : PrefersRiver(text, call));
        using (var judge = new ChatClientJudge(flaky, Fast))
        {
            var v = await judge.JudgeAsync([new Comparison("p", "a river", "a cat")]);
            Assert.That(v[0].P, Is.EqualTo(1.0));
            Assert.That(judge.Retries, Is.EqualTo(2));
        }

        var refused = new ScriptedClient((_, _) => throw new HttpRequestException("bad request", null, HttpStatusCode.BadRequest));
        using (var judge = new ChatClientJudge(refused, Fast))
        {
            var e = Assert.ThrowsAsync<JudgeException>(() => judge.JudgeAsync([new Comparison("p", "x", "y")]));
            Assert.That(e!.Message, Does.Contain("HTTP 400").And.Contain("1 attempt (not retried)"));
            Assert.That(judge.Retries, Is.Zero);
        }

        var broken = new ScriptedClient((_, _) => throw new InvalidOperationException("model crashed"));
        using (var judge = new ChatClientJudge(broken, Fast))
        {
            var e = Assert.ThrowsAsync<JudgeException>(() => judge.JudgeAsync([new Comparison("p", "x", "y")]));
            Assert.That(e!.Message, Does.Contain("model crashed").And.Contain("InvalidOperationException"));
        }
    }

    [Test]
    public void BadOptions_AreRefused()
    {
        Assert.Throws<ArgumentException>(() => new ChatClientJudge(new ScriptedClient(PrefersRiver), new ChatJudgeOptions { Template = "{prompt} only" }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ChatClientJudge(new ScriptedClient(PrefersRiver), new ChatJudgeOptions { MaxConcurrency = 0 }));
    }
}
