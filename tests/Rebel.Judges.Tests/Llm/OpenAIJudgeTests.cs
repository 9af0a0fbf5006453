using Microsoft.AspNetCore.Http;
using Rebel.Judges.Llm;
using Rebel.Preference;

namespace Rebel.Judges.Tests.Llm;

public class OpenAIJudgeTests
{
    private const string Long = "The river winds slowly through the old forest.";
    private const string Short = "A river.";

    private static OpenAIJudge Judge(ChatServer server, int maxRetries = 3, int maxConcurrency = 8, TimeSpan? timeout = null, string? apiKey = "sk-test") =>
        new(new OpenAIJudgeOptions
        {
            Model = "judge",
            Endpoint = server.BaseUrl,
            ApiKey = apiKey,
            MaxRetries = maxRetries,
            RetryBaseDelay = TimeSpan.FromMilliseconds(10),
            MaxConcurrency = maxConcurrency,
            Timeout = timeout ?? TimeSpan.FromSeconds(20),
        });

    private static Task<IResult> Respond(IResult result) => Task.FromResult(result);

    /// <summary>A fair judge: it prefers the longer response, whatever its position.</summary>
    private static Task<IResult> PrefersLonger(ChatRequest r, CancellationToken _) =>
        Respond(ChatServer.Answer(r.ResponseA.Length >= r.ResponseB.Length ? "A" : "B"));

    [Test]
    public async Task NormalServer_HardAnswers_AskBothOrders()
    {
        await using var server = await ChatServer.StartAsync(PrefersLonger);
        using var judge = Judge(server);
        var v = await judge.JudgeAsync([new("Describe a river", Long, Short), new("Describe a river", Short, Long)]);
        Assert.That(v.Select(x => x.P), Is.EqualTo(new[] { 1.0, 0.0 }));
        Assert.That(v[0].RawAnswer, Is.EqualTo("A | B"));
        Assert.That((server.Hits, judge.Requests, judge.Retries), Is.EqualTo((4, 4L, 0L)), "two questions per pair");
        Assert.That(judge.Id, Is.EqualTo($"openai:judge@{server.BaseUrl.ToString().TrimEnd('/')}"));
    }

    [Test]
    public async Task LogProbabilities_GiveASoftVerdict()
    {
        // The longer response gets probability 0.8 in either position.
        await using var server = await ChatServer.StartAsync((r, _) =>
        {
            Assert.That(r.LogProbabilities, Is.True);
            return Respond(r.ResponseA.Length >= r.ResponseB.Length ? ChatServer.Answer("A", ("A", 0.8), ("B", 0.2)) : ChatServer.Answer("B", ("B", 0.8), (" A", 0.2)));
        });
        using var judge = Judge(server);
        var v = await judge.JudgeAsync([new("p", Long, Short), new("p", Short, Long)]);
        // ½ (q₁ + 1 − q₂) = ½ (0.8 + 1 − 0.2) = 0.8
        Assert.That(v[0].P, Is.EqualTo(0.8).Within(1e-6));
        Assert.That(v[1].P, Is.EqualTo(0.2).Within(1e-6));
    }

    [Test]
    public async Task FirstPositionServer_BothOrdersAverage_RemovesTheBias()
    {
        await using var server = await ChatServer.StartAsync((_, _) => Respond(ChatServer.Answer(" A.")));
        using var judge = Judge(server);
        var v = await judge.JudgeAsync([new("p", Long, Short), new("p", Short, Long)]);
        Assert.That(v.Select(x => x.P), Is.EqualTo(new[] { 0.5, 0.5 }));

        await using var soft = await ChatServer.StartAsync((_, _) => Respond(ChatServer.Answer("A", ("A", 0.9), ("B", 0.1))));
        using var softJudge = Judge(soft);
        Assert.That((await softJudge.JudgeAsync([new("p", Long, Short)]))[0].P, Is.EqualTo(0.5).Within(1e-6));
    }

    [Test]
    public async Task KeyEnv_SendsTheNamedVariable_ToALoopbackServer()
    {
        const string variable = "REBEL_TEST_JUDGE_KEY";
        Environment.SetEnvironmentVariable(variable, "sk-from-named-variable");
        try
        {
            string? authorization = null;
            await using var server = await ChatServer.StartAsync((r, _) =>
            {
                authorization = r.Authorization;
                return Respond(ChatServer.Answer("A"));
            });
            using var judge = Rebel.Judges.Spec.JudgeSpec.Parse($"openai[key_env={variable}]:judge@{server.BaseUrl}");
            await judge.JudgeAsync([new("p", Long, Short)]);
            Assert.That(authorization, Is.EqualTo("Bearer sk-from-named-variable"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [TestCase("https://api.example.com/v1", false, true)]
    [TestCase("http://127.0.0.1:8000/v1", false, true)]
    [TestCase("http://localhost:8000/v1", false, true)]
    [TestCase("http://[::1]:8000/v1", false, true)]
    [TestCase("http://10.1.2.3:8000/v1", false, false)]
    [TestCase("http://judge.example.com/v1", false, false)]
    [TestCase("http://judge.example.com/v1", true, true)]
    public void MaySendKey_OnlyOverHttpsOrToLoopback_UnlessAllowed(string url, bool allow, bool expected)
    {
        Assert.That(OpenAIJudge.MaySendKey(new Uri(url), allow), Is.EqualTo(expected));
        using var judge = new OpenAIJudge(new OpenAIJudgeOptions { Model = "m", Endpoint = new Uri(url), ApiKey = "sk-secret", AllowKeyOverHttp = allow });
        Assert.That(judge.KeyWithheld, Is.EqualTo(!expected));
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task HugeResponse_FailsClearly_WithoutRetryingOrReadingIt(bool chunked)
    {
        var body = "{\"pad\":\"" + new string('x', 256 * 1024) + "\"}";
        await using var server = await ChatServer.StartAsync((_, _) => Respond(chunked
            ? Results.Stream(async stream => { for (int i = 0; i < body.Length; i += 8192) await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(body[i..Math.Min(body.Length, i + 8192)])); }, "application/json")
            : Results.Text(body, "application/json")));
        using var judge = new OpenAIJudge(new OpenAIJudgeOptions
        {
            Model = "judge", Endpoint = server.BaseUrl, MaxResponseBytes = 4096, MaxRetries = 3, RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        });
        var e = Assert.ThrowsAsync<JudgeException>(() => judge.JudgeAsync([new("p", Long, Short)]))!;
        Assert.That(e.Message, Does.Contain("larger than 4096 bytes"));
        Assert.That(judge.Retries, Is.Zero, "an oversized answer is not asked for again");
        Assert.That(server.Hits, Is.LessThanOrEqualTo(2));
    }

    [Test]
    public async Task ServerErrorsTwiceThenSucceeds_IsRetried()
    {
        await using var server = await ChatServer.StartAsync((r, c) => r.Hit <= 2 ? Respond(Results.StatusCode(500)) : PrefersLonger(r, c));
        using var judge = Judge(server);
        var v = await judge.JudgeAsync([new("p", Long, Short)]);
        Assert.That(v[0].P, Is.EqualTo(1.0));
        Assert.That(judge.Retries, Is.EqualTo(2));
        Assert.That((server.Hits, judge.Requests), Is.EqualTo((4, 4L)));
    }

    [Test]
    public async Task ServerThatAlwaysFails_IsAClearErrorAfterTheRetries()
    {
        await using var server = await ChatServer.StartAsync((_, _) => Respond(Results.StatusCode(503)));
        using var judge = Judge(server, maxRetries: 2);
        var e = Assert.ThrowsAsync<JudgeException>(() => judge.JudgeAsync([new("Summarize the report", Long, Short)]));
        Assert.That(e!.Message, Does.Contain("HTTP 503").And.Contain("3 attempts").And.Contain("item 0").And.Contain("Summarize the report"));
    }

    [Test]
    public async Task GarbageAnswer_IsAClearJudgeException()
    {
        await using var server = await ChatServer.StartAsync((r, c) =>
            r.Content.Contains("second prompt") ? Respond(ChatServer.Answer("I prefer the first response.")) : PrefersLonger(r, c));
        using var judge = Judge(server);
        var e = Assert.ThrowsAsync<JudgeException>(() => judge.JudgeAsync([new("first prompt", Long, Short), new("second prompt", Long, Short)]));
        Assert.That(e!.Index, Is.EqualTo(1));
        Assert.That(e.Message, Does.Contain("second prompt").And.Contain("exactly one letter").And.Contain("I prefer the first response."));
    }

    [Test]
    public async Task GarbageBody_IsAClearJudgeException()
    {
        await using var server = await ChatServer.StartAsync((_, _) => Respond(Results.Text("<html>upstream overloaded</html>", "text/html")));
        using var judge = Judge(server);
        var e = Assert.ThrowsAsync<JudgeException>(() => judge.JudgeAsync([new("p", Long, Short)]));
        Assert.That(e!.Message, Does.Contain("could not be read").And.Contain("item 0"));
    }

    [Test]
    public async Task SlowServer_TimesOut_WithRetries()
    {
        await using var server = await ChatServer.StartAsync(async (_, cancel) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), cancel);
            return ChatServer.Answer("A");
        });
        using var judge = Judge(server, maxRetries: 1, timeout: TimeSpan.FromMilliseconds(300));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var e = Assert.ThrowsAsync<JudgeException>(() => judge.JudgeAsync([new("p", Long, Short)]));
        Assert.That(e!.Message, Does.Contain("no answer within 0.3 s"));
        Assert.That(judge.Retries, Is.GreaterThanOrEqualTo(1));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
    }

    [Test]
    public async Task ConcurrencyLimit_IsRespected_AndTheKeyIsSent()
    {
        await using var server = await ChatServer.StartAsync(async (r, cancel) =>
        {
            await Task.Delay(50, cancel);
            return await PrefersLonger(r, cancel);
        });
        using var judge = Judge(server, maxConcurrency: 2, apiKey: "sk-local");
        Comparison[] batch = [.. Enumerable.Range(0, 5).Select(i => new Comparison($"p{i}", Long, Short))];
        var v = await judge.JudgeAsync(batch);
        Assert.That(v.All(x => x.P == 1.0));
        Assert.That(server.Hits, Is.EqualTo(10));
        Assert.That(server.MaxInFlight, Is.InRange(1, 2));
    }

    [Test]
    public async Task ApiKey_IsSentAsBearer()
    {
        string? seen = null;
        await using var server = await ChatServer.StartAsync((r, c) =>
        {
            seen = r.Authorization;
            return PrefersLonger(r, c);
        });
        using var judge = Judge(server, apiKey: "sk-local");
        await judge.JudgeAsync([new("p", Long, Short)]);
        Assert.That(seen, Is.EqualTo("Bearer sk-local"));
    }

    [TestCase("A", 'A')]
    [TestCase(" b ", 'B')]
    [TestCase("**A**", 'A')]
    [TestCase("(B).\n", 'B')]
    [TestCase("\"A\"", 'A')]
    [TestCase("AB", null)]
    [TestCase("Answer: A", null)]
    [TestCase("C", null)]
    [TestCase("", null)]
    [TestCase("A or B", null)]
    public void LetterAnswer_AcceptsOnlyABareLetter(string text, char? expected) =>
        Assert.That(LetterAnswer.Parse(text), Is.EqualTo(expected));

    [Test]
    public void Options_Validate_RejectsBadSettings()
    {
        Assert.Throws<ArgumentException>(() => new OpenAIJudgeOptions { Model = " " }.Validate());
        Assert.Throws<ArgumentException>(() => new OpenAIJudgeOptions { Model = "m", Template = "{prompt} {a}" }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new OpenAIJudgeOptions { Model = "m", MaxConcurrency = 0 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new OpenAIJudgeOptions { Model = "m", TopLogProbabilities = 30 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new OpenAIJudgeOptions { Model = "m", Timeout = TimeSpan.Zero }.Validate());
    }
}
