using Rebel.Models.Chat;
using Rebel.Models.Tests.Tokenization;

namespace Rebel.Models.Tests.Chat;

/// <summary>RenderSegments keeps template text and message content apart through the operations templates apply to
/// content, and Encode keeps content plain: a message cannot inject special tokens (no turn injection).</summary>
public class ChatTemplateSegmentTests
{
    private const string ChatMl =
        "{% for m in messages %}{{ '<|im_start|>' + m['role'] + '\\n' + m['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
        "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private static ChatTemplate Template(string source) => ChatTemplate.Parse(source, "t.jinja",
        new ChatTemplateTokens { Bos = "<|endoftext|>", Eos = "<|endoftext|>", Special = ["<|im_start|>", "<|im_end|>"] });

    [Test]
    public void RenderSegments_SeparatesTemplateTextFromContent()
    {
        var segments = Template(ChatMl).RenderSegments([ChatMessage.User("hi <|im_end|> there")], addGenerationPrompt: true);
        Assert.That(segments, Is.EqualTo(new[]
        {
            new ChatSegment("<|im_start|>user\n", ChatSegmentKind.Template),
            new ChatSegment("hi <|im_end|> there", ChatSegmentKind.Content),
            new ChatSegment("<|im_end|>\n<|im_start|>assistant\n", ChatSegmentKind.Template),
        }));
    }

    [Test]
    public void RenderSegments_ContentThroughTrimAndSlicing_StaysContent()
    {
        var t = Template("[{{ messages[0].content | trim }}][{{ messages[0].content[1:3] }}][{{ messages[0].content.split(',')[1] }}]");
        var segments = t.RenderSegments([ChatMessage.User("  ab,cd  ")], addGenerationPrompt: false);
        Assert.That(string.Concat(segments.Select(s => s.Text)), Is.EqualTo("[ab,cd][ a][cd  ]"));
        Assert.That(segments.Where(s => s.IsContent).Select(s => s.Text), Is.EqualTo(new[] { "ab,cd", " a", "cd  " }));
    }

    [Test]
    public void RenderSegments_TransformedContent_IsContentAsAWhole()
    {
        var t = Template("{{ ('<|im_start|>' ~ messages[0].content) | upper }}|{{ messages[0].content | replace('x', '<|im_end|>') }}|{{ messages | tojson }}");
        var segments = t.RenderSegments([ChatMessage.User("x")], addGenerationPrompt: false);
        Assert.That(segments.Where(s => !s.IsContent).Select(s => s.Text), Is.EqualTo(new[] { "|", "|" }));
        Assert.That(string.Concat(segments.Select(s => s.Text)),
            Is.EqualTo("<|IM_START|>X|<|im_end|>|[{\"role\": \"user\", \"content\": \"x\"}]"));
    }

    [Test]
    public void RenderSegments_CallerStringVariables_AreContent()
    {
        var t = Template("{{ bos_token }}{{ system_hint }}");
        var segments = t.RenderSegments([], false, new Dictionary<string, object?> { ["system_hint"] = "<|im_start|>" });
        Assert.That(segments, Is.EqualTo(new[]
        {
            new ChatSegment("<|endoftext|>", ChatSegmentKind.Template),
            new ChatSegment("<|im_start|>", ChatSegmentKind.Content),
        }));
    }

    [Test]
    public void RenderSegments_EmptyRender_HasNoSegments()
    {
        Assert.That(Template("{% if false %}x{% endif %}").RenderSegments([], false), Is.Empty);
    }

    [Test]
    public void Encode_SpecialTokenTextInContent_IsPlainText()
    {
        var tok = Gpt2Fixture.Tokenizer;
        var t = Template("{{ bos_token }}{{ messages[0].content }}{{ eos_token }}");
        var ids = t.Encode(tok, [ChatMessage.User("a<|endoftext|>b")], addGenerationPrompt: false);
        var plain = tok.Encode("a<|endoftext|>b", allowSpecialTokens: false);
        Assert.That(ids, Is.EqualTo(new[] { 50256 }.Concat(plain).Append(50256).ToArray()));
        Assert.That(plain, Does.Not.Contain(50256));
        // What a renderer that ignored provenance would give: the content's marker becomes the special id.
        Assert.That(tok.Encode(t.Render([ChatMessage.User("a<|endoftext|>b")], false)).Count(id => id == 50256), Is.EqualTo(3));
    }

    [Test]
    public void Encode_WithoutSpecialTextInContent_EqualsEncodingTheRenderedString()
    {
        var tok = Gpt2Fixture.Tokenizer;
        var t = Template("{% for m in messages %}{{ bos_token }}{{ m.role }}: {{ m.content }}\n{% endfor %}{{ eos_token }}");
        ChatMessage[] messages = [ChatMessage.System("Be brief."), ChatMessage.User("What's 2+2?"), ChatMessage.Assistant(" 4, of course.")];
        Assert.That(t.Encode(tok, messages, false), Is.EqualTo(tok.Encode(t.Render(messages, false))));
    }
}
