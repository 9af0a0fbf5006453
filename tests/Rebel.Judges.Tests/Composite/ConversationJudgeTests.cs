using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Rebel.Judges.Caching;
using Rebel.Judges.Composite;
using Rebel.Judges.Llm;
using Rebel.Judges.Process;
using Rebel.Judges.Rules;
using Rebel.Preference;
using AIChatMessage = Microsoft.Extensions.AI.ChatMessage;
using ChatMessage = Rebel.Models.Chat.ChatMessage;

namespace Rebel.Judges.Tests.Composite;

/// <summary>Judges see conversations: the messages travel with the comparison, each judge kind shows them its way, and
/// plain-text prompts are judged exactly as before.</summary>
public class ConversationJudgeTests
{
    private const string Rendered = "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nName a river.<|im_end|>\n<|im_start|>assistant\n";
    private static readonly ChatMessage[] Conversation = [ChatMessage.System("Be brief."), ChatMessage.User("Name a river.")];

    /// <summary>Records what it is asked; prefers the longer completion.</summary>
    private sealed class RecordingJudge : IPairwiseJudge
    {
        public List<Comparison> Asked { get; } = [];
        public string Id => "recording";

        public Task<IReadOnlyList<Verdict>> JudgeAsync(IReadOnlyList<Comparison> comparisons, CancellationToken cancellationToken = default)
        {
            Asked.AddRange(comparisons);
            return Task.FromResult<IReadOnlyList<Verdict>>(comparisons.Select(c => Verdict.FromScores(c.A.Length, c.B.Length)).ToArray());
        }

        public void Dispose()
        {
        }
    }

    /// <summary>Records every request's messages and answers "A".</summary>
    private sealed class RecordingClient : IChatClient
    {
        public List<List<AIChatMessage>> Requests { get; } = [];

        public Task<ChatResponse> GetResponseAsync(IEnumerable<AIChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            lock (Requests) Requests.Add(messages.ToList());
            return Task.FromResult(new ChatResponse(new AIChatMessage(ChatRole.Assistant, "A")));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<AIChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    /// <summary>A rule judge that records the x it scores against.</summary>
    private sealed class PromptRecordingRule : RuleJudge
    {
        public List<string> Prompts { get; } = [];
        public override string Id => "prompt-recording";

        public override double Score(string prompt, string completion)
        {
            Prompts.Add(prompt);
            return completion.Length;
        }
    }

    [Test]
    public async Task ConversationJudge_AttachesTheMessagesOfRenderedPrompts_AndLeavesPlainTextAlone()
    {
        var inner = new RecordingJudge();
        using var judge = new ConversationJudge(inner, text => text == Rendered ? Conversation : null);
        var verdicts = await judge.JudgeAsync([new Comparison(Rendered, "Nile", "Po"), new Comparison("plain", "a", "bb")]);
        Assert.That(verdicts.Select(v => v.P), Is.EqualTo(new[] { 1.0, 0.0 }));
        Assert.That(inner.Asked[0].Messages, Is.EqualTo(Conversation));
        Assert.That(inner.Asked[0].Swapped().Messages, Is.EqualTo(Conversation), "swapping keeps the conversation");
        Assert.That(inner.Asked[1], Is.EqualTo(new Comparison("plain", "a", "bb")), "plain text passes unchanged");
        Assert.That(judge.Id, Is.EqualTo(inner.Id));
    }

    [Test]
    public void Comparison_EqualityCountsTheMessages()
    {
        var plain = new Comparison(Rendered, "a", "b");
        var chat = plain with { Messages = Conversation };
        Assert.That(chat, Is.Not.EqualTo(plain));
        Assert.That(chat, Is.EqualTo(new Comparison(Rendered, "a", "b") { Messages = [.. Conversation] }));
        Assert.That(chat.PromptJson().ToJsonString(), Is.EqualTo("""[{"role":"system","content":"Be brief."},{"role":"user","content":"Name a river."}]"""));
        Assert.That(plain.PromptJson().GetValue<string>(), Is.EqualTo(Rendered));
    }

    [Test]
    public async Task ChatClientJudge_SendsTheConversationAsMessages_ThenTheQuestion()
    {
        var client = new RecordingClient();
        using var judge = new ChatClientJudge(client, new ChatJudgeOptions(), id: "rec", ownsClient: false);
        await judge.JudgeAsync([new Comparison(Rendered, "Nile", "Po") { Messages = Conversation }]);
        Assert.That(client.Requests, Has.Count.EqualTo(2), "both orders");
        foreach (var request in client.Requests)
        {
            Assert.That(request.Select(m => m.Role), Is.EqualTo(new[] { ChatRole.System, ChatRole.User, ChatRole.User }));
            Assert.That(request.Take(2).Select(m => m.Text), Is.EqualTo(Conversation.Select(m => m.Content)));
            Assert.That(request[2].Text, Does.StartWith("You are judging two responses to the conversation above").And.Contain("[Response A]\nNile").Or.Contain("[Response A]\nPo"));
            Assert.That(request[2].Text, Does.Not.Contain("<|im_start|>"), "the template's markup is not shown");
        }
    }

    [Test]
    public async Task ChatClientJudge_PlainText_IsOneUserMessageFromTheTemplate()
    {
        var client = new RecordingClient();
        using var judge = new ChatClientJudge(client, new ChatJudgeOptions(), id: "rec", ownsClient: false);
        await judge.JudgeAsync([new Comparison("Name a river.", "Nile", "Po")]);
        Assert.That(client.Requests[0], Has.Count.EqualTo(1));
        Assert.That(client.Requests[0][0].Role, Is.EqualTo(ChatRole.User));
        Assert.That(client.Requests[0][0].Text, Does.Contain("[Prompt]\nName a river.\n\n[Response A]\n"));
    }

    [Test]
    public void ChatJudgeOptions_ConversationTemplateWithoutPlaceholders_IsRefused() =>
        Assert.Throws<ArgumentException>(() => new ChatJudgeOptions { ConversationTemplate = "Which one? {a}" }.Validate());

    [Test]
    public async Task RuleJudge_ScoresAgainstTheMessagesAsJson_OrThePlainText()
    {
        using var rule = new PromptRecordingRule();
        await rule.JudgeAsync([new Comparison(Rendered, "a", "b") { Messages = [ChatMessage.User("Café ☕")] }, new Comparison("plain", "a", "b")]);
        Assert.That(rule.Prompts, Is.EqualTo(new[]
        {
            """[{"role":"user","content":"Café ☕"}]""", """[{"role":"user","content":"Café ☕"}]""", "plain", "plain",
        }));
    }

    [Test]
    public void CachingKey_SeparatesTheSameTextWithAndWithoutMessages()
    {
        var plain = new Comparison(Rendered, "a", "b");
        Assert.That(CachingJudge.Key("j", plain with { Messages = Conversation }), Is.Not.EqualTo(CachingJudge.Key("j", plain)));
        Assert.That(CachingJudge.Key("j", plain with { Messages = Conversation }), Is.EqualTo(CachingJudge.Key("j", plain with { Messages = [.. Conversation] })));
    }

    [Test]
    [NonParallelizable]
    public async Task ProcessJudge_SendsMessagesBesideTheRenderedPrompt()
    {
        var dir = Directory.CreateTempSubdirectory("rebel-process-messages-").FullName;
        try
        {
            var log = Path.Combine(dir, "requests.jsonl");
            var script = Path.Combine(dir, "judge.py");
            File.WriteAllText(script, $$"""
                import json, sys
                for line in sys.stdin:
                    request = json.loads(line)
                    open({{JsonValue.Create(log).ToJsonString()}}, "a").write(line)
                    print(json.dumps({"id": request["id"], "p": [0.5] * len(request["comparisons"])}), flush=True)
                """);
            using (var judge = new ProcessJudge($"python3 {script}", TimeSpan.FromSeconds(30)))
                await judge.JudgeAsync([new Comparison(Rendered, "a", "b") { Messages = Conversation }, new Comparison("plain", "a", "b")]);
            var request = JsonNode.Parse(File.ReadAllLines(log)[0])!;
            var items = request["comparisons"]!.AsArray();
            Assert.That(items[0]!["prompt"]!.GetValue<string>(), Is.EqualTo(Rendered));
            Assert.That(items[0]!["messages"]!.ToJsonString(), Is.EqualTo("""[{"role":"system","content":"Be brief."},{"role":"user","content":"Name a river."}]"""));
            Assert.That(items[1]!.AsObject().ContainsKey("messages"), Is.False, "plain text: the request is as before");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
