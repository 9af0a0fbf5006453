using System.Text.Json;
using Rebel.Models.Chat;

namespace Rebel.Models.Tests.Chat;

/// <summary>One construct per template (tools/chat-template-oracle/constructs.json), each rendered by Python's Jinja2
/// set up as transformers sets it up (the reference: <c>python_text</c>/<c>python_error</c>) and by @huggingface/jinja
/// (<c>text</c>/<c>error</c>, which differs from Python on booleans, None, list printing and a few filters).
/// Rebel must give Python's result exactly, or fail where Python fails.</summary>
public class JinjaConstructParityTests
{
    public sealed record Construct(string Name, string Template, JsonElement Variables, string? PythonText, string? PythonError)
    {
        public override string ToString() => Name;
    }

    public static IEnumerable<TestCaseData> Constructs()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "fixtures", "chat-templates", "constructs.jsonl");
        foreach (var line in File.ReadLines(path).Where(l => l.Length > 0))
        {
            using var doc = JsonDocument.Parse(line);
            var r = doc.RootElement;
            var c = new Construct(r.GetProperty("name").GetString()!, r.GetProperty("template").GetString()!,
                r.GetProperty("variables").Clone(),
                r.TryGetProperty("python_text", out var t) ? t.GetString() : null,
                r.TryGetProperty("python_error", out var e) ? e.GetString() : null);
            yield return new TestCaseData(c).SetName($"Construct_{c.Name}");
        }
    }

    [TestCaseSource(nameof(Constructs))]
    public void Render_MatchesPythonJinja(Construct c)
    {
        var variables = c.Variables.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value);
        var messages = Array.Empty<ChatMessage>();
        var template = ChatTemplate.Parse(c.Template, c.Name);
        // `messages` from the fixture replaces the (empty) conversation: the variables go in last.
        if (c.PythonError is not null)
        {
            var ex = Assert.Throws<ChatTemplateException>(() => template.Render(messages, false, variables));
            TestContext.Out.WriteLine($"python: {c.PythonError}\nrebel:  {ex!.Message}");
            return;
        }
        Assert.That(template.Render(messages, false, variables), Is.EqualTo(c.PythonText));
    }

    [Test]
    public void Fixture_HasEnoughConstructs()
    {
        Assert.That(Constructs().Count(), Is.GreaterThanOrEqualTo(60));
    }
}
