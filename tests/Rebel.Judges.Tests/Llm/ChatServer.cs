using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Rebel.Judges.Tests.Llm;

/// <summary>One chat-completions request as the test server saw it.</summary>
internal sealed record ChatRequest(int Hit, string Content, string ResponseA, string ResponseB, bool LogProbabilities, string? Authorization);

/// <summary>
/// A real OpenAI-compatible chat-completions server (ASP.NET Core minimal API) on 127.0.0.1 and a free port, whose
/// answers come from a test's delegate. Started and stopped by each test.
/// </summary>
internal sealed class ChatServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _hits;
    private int _inFlight;
    private int _maxInFlight;

    private ChatServer(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Requests received.</summary>
    public int Hits => Volatile.Read(ref _hits);

    /// <summary>Most requests being served at the same time.</summary>
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    public static async Task<ChatServer> StartAsync(Func<ChatRequest, CancellationToken, Task<IResult>> respond)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new ChatServer(app);
        app.MapPost("/v1/chat/completions", async (HttpContext context) =>
        {
            int hit = Interlocked.Increment(ref server._hits);
            int inFlight = Interlocked.Increment(ref server._inFlight);
            int seen;
            while (inFlight > (seen = Volatile.Read(ref server._maxInFlight)) && Interlocked.CompareExchange(ref server._maxInFlight, inFlight, seen) != seen)
            {
            }
            try
            {
                using var body = await JsonDocument.ParseAsync(context.Request.Body);
                var content = body.RootElement.GetProperty("messages")[0].GetProperty("content").GetString()!;
                bool logprobs = body.RootElement.TryGetProperty("logprobs", out var l) && l.ValueKind == JsonValueKind.True;
                var request = new ChatRequest(hit, content, Between(content, "[Response A]\n", "\n\n[Response B]"),
                    Between(content, "[Response B]\n", "\n\nAnswer with"), logprobs, context.Request.Headers.Authorization.ToString());
                return await respond(request, context.RequestAborted);
            }
            finally
            {
                Interlocked.Decrement(ref server._inFlight);
            }
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = new Uri(address.TrimEnd('/') + "/v1");
        return server;
    }

    /// <summary>A chat completion answering <paramref name="content"/>, with top log-probabilities for its first token when given.</summary>
    public static IResult Answer(string content, params (string Token, double Probability)[] top)
    {
        JsonNode? logprobs = null;
        if (top.Length > 0)
        {
            var alternatives = new JsonArray();
            foreach (var (token, probability) in top) alternatives.Add(new JsonObject { ["token"] = token, ["logprob"] = Math.Log(probability), ["bytes"] = null });
            logprobs = new JsonObject
            {
                ["content"] = new JsonArray(new JsonObject { ["token"] = top[0].Token, ["logprob"] = Math.Log(top[0].Probability), ["bytes"] = null, ["top_logprobs"] = alternatives }),
                ["refusal"] = null,
            };
        }
        var completion = new JsonObject
        {
            ["id"] = "chatcmpl-test",
            ["object"] = "chat.completion",
            ["created"] = 1_700_000_000,
            ["model"] = "judge",
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content, ["refusal"] = null },
                ["logprobs"] = logprobs,
                ["finish_reason"] = "stop",
            }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = 50, ["completion_tokens"] = 1, ["total_tokens"] = 51 },
        };
        return Results.Text(completion.ToJsonString(), "application/json");
    }

    private static string Between(string text, string start, string end)
    {
        int i = text.IndexOf(start, StringComparison.Ordinal);
        if (i < 0) return "";
        i += start.Length;
        int j = text.IndexOf(end, i, StringComparison.Ordinal);
        return j < 0 ? "" : text[i..j];
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
