using System.Text.Json;
using Rebel.Models.Chat;

namespace Rebel.Models.Tests.Chat;

/// <summary>Exact parity with @huggingface/jinja (the renderer transformers.js uses) on the real templates of six
/// families, for every case of tools/chat-template-oracle/make-fixtures.mjs (fixtures/chat-templates/expected.jsonl).</summary>
public class ChatTemplateParityTests
{
    public sealed record Case(string Family, string Name, bool AddGenerationPrompt, ChatMessage[] Messages, string? Text, string? Error)
    {
        public override string ToString() => $"{Family}/{Name}{(AddGenerationPrompt ? "+gen" : "")}";
    }

    private static string Dir => Path.Combine(TestContext.CurrentContext.TestDirectory, "fixtures", "chat-templates");

    public static IEnumerable<TestCaseData> Cases()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "fixtures", "chat-templates", "expected.jsonl");
        foreach (var line in File.ReadLines(path).Where(l => l.Length > 0))
        {
            using var doc = JsonDocument.Parse(line);
            var r = doc.RootElement;
            var messages = r.GetProperty("messages").EnumerateArray()
                .Select(m => new ChatMessage(m.GetProperty("role").GetString()!, m.GetProperty("content").GetString()!)).ToArray();
            var c = new Case(r.GetProperty("family").GetString()!, r.GetProperty("case").GetString()!,
                r.GetProperty("add_generation_prompt").GetBoolean(), messages,
                r.TryGetProperty("text", out var t) ? t.GetString() : null,
                r.TryGetProperty("error", out var e) ? e.GetString() : null);
            yield return new TestCaseData(c).SetName($"Render_{c.Family}_{c.Name}_{(c.AddGenerationPrompt ? "gen" : "nogen")}");
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void Render_MatchesHuggingFaceJinja(Case c)
    {
        var template = ChatTemplate.Load(Path.Combine(Dir, c.Family));
        if (c.Error is not null)
        {
            var ex = Assert.Throws<ChatTemplateException>(() => template.Render(c.Messages, c.AddGenerationPrompt));
            Assert.That(ex!.Problem, Is.EqualTo("raise_exception: " + c.Error));
            return;
        }
        Assert.That(template.Render(c.Messages, c.AddGenerationPrompt), Is.EqualTo(c.Text));
        var segments = template.RenderSegments(c.Messages, c.AddGenerationPrompt);
        Assert.That(string.Concat(segments.Select(s => s.Text)), Is.EqualTo(c.Text));
    }

    [Test]
    public void Fixtures_CoverEveryFamilyAndCase()
    {
        var cases = Cases().Select(d => (Case)d.Arguments[0]!).ToList();
        Assert.That(cases.Select(c => c.Family).Distinct(), Is.EquivalentTo(new[] { "llama3", "llama3_1", "qwen3", "gemma3", "mistral", "smollm2" }));
        Assert.That(cases.Select(c => c.Name).Distinct(), Is.SupersetOf(new[] { "user", "system", "multi-turn", "assistant-last" }));
        Assert.That(cases, Has.Count.EqualTo(72));
    }

    [TestCase("llama3", "<|eot_id|>")]
    [TestCase("llama3_1", "<|eot_id|>")]
    [TestCase("qwen3", "<|im_end|>")]
    [TestCase("gemma3", "<end_of_turn>")]
    [TestCase("mistral", "</s>")]
    [TestCase("smollm2", "<|im_end|>")]
    public void EndOfTurnToken_IsTheFamilysTurnEnd(string family, string expected)
    {
        Assert.That(ChatTemplate.Load(Path.Combine(Dir, family)).EndOfTurnToken, Is.EqualTo(expected));
    }

    [Test]
    public void Llama3_NamedTokensComeFromTheConfig()
    {
        var t = ChatTemplate.Load(Path.Combine(Dir, "llama3"));
        Assert.That(t.Tokens.Bos, Is.EqualTo("<|begin_of_text|>"));
        Assert.That(t.Tokens.Eos, Is.EqualTo("<|end_of_text|>"));
        Assert.That(t.Name, Is.EqualTo("tokenizer_config.json#chat_template"));
    }
}
