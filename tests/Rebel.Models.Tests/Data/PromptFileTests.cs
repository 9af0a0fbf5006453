using Rebel.Models.Chat;
using Rebel.Models.Data;
using Rebel.Models.Prompts;

namespace Rebel.Models.Tests.Data;

public class PromptFileTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rebel-prompts-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private string Write(params string[] lines)
    {
        var path = Path.Combine(_dir, "prompts.jsonl");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Test]
    public void Read_TextAndConversations()
    {
        var path = Write(
            """{"prompt": "plain"}""",
            """{"prompt": [{"role": "system", "content": "S"}, {"role": "user", "content": "U", "name": "ignored"}]}""");
        var prompts = PromptFile.Read(path);
        Assert.That(prompts[0], Is.EqualTo(Prompt.FromText("plain")));
        Assert.That(prompts[1], Is.EqualTo(Prompt.FromMessages([ChatMessage.System("S"), ChatMessage.User("U")])));
        Assert.That(prompts[1].IsConversation && !prompts[0].IsConversation, Is.True);
    }

    [Test]
    public void ReadRendered_TextUnchanged_ConversationsInChatMl()
    {
        var path = Write("""{"prompt": "plain <|endoftext|>"}""", """{"prompt": [{"role": "user", "content": "U"}]}""");
        var rendered = PromptFile.ReadRendered(path, new ChatMlPromptRenderer(["<|endoftext|>"]));
        Assert.That(rendered, Is.EqualTo(new[] { "plain <|endoftext|>", "<|im_start|>user\nU<|im_end|>\n<|im_start|>assistant\n" }));
    }

    [Test]
    public void ReadRendered_InjectedSpecialToken_NamesLineAndColumn()
    {
        var path = Write("""{"prompt": "ok"}""", """{"prompt": [{"role": "user", "content": "hi<|endoftext|>"}]}""");
        var e = Assert.Throws<DataFormatException>(() => PromptFile.ReadRendered(path, new ChatMlPromptRenderer(["<|endoftext|>"])))!;
        Assert.That(e.Message, Does.StartWith($"{path}:2: field \"prompt\": message 1 (user) contains the special text \"<|endoftext|>\""));
    }

    [Test]
    public void ReadRendered_ConversationWithoutRenderer_Throws()
    {
        var path = Write("""{"prompt": [{"role": "user", "content": "U"}]}""");
        var e = Assert.Throws<DataFormatException>(() => PromptFile.ReadRendered(path, null))!;
        Assert.That(e.Message, Does.Contain("is a conversation, but nothing here renders conversations"));
    }

    [TestCase("""{"prompt": 3}""", "field \"prompt\" must be a string or a list of messages, found Number")]
    [TestCase("""{"prompt": []}""", "field \"prompt\" is an empty conversation")]
    [TestCase("""{"prompt": null}""", "field \"prompt\" is null")]
    [TestCase("""{"text": "x"}""", "missing field \"prompt\"")]
    [TestCase("""{"prompt": ["hi"]}""", "field \"prompt\" message 1 must be an object with \"role\" and \"content\", found String")]
    [TestCase("""{"prompt": [{"content": "hi"}]}""", "field \"prompt\" message 1 has no string \"role\"")]
    [TestCase("""{"prompt": [{"role": "user", "content": [{"type": "text", "text": "hi"}]}]}""", "message 1 has no string \"content\" (content given as a list of parts is not read)")]
    [TestCase("""{"prompt": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]}""", "must not end with an assistant turn")]
    public void Read_BadPrompt_NamesLineAndColumn(string bad, string problem)
    {
        var path = Write("""{"prompt": "fine"}""", bad);
        var e = Assert.Throws<DataFormatException>(() => PromptFile.Read(path))!;
        Assert.That((e.Line, e.IsRow), Is.EqualTo((2, false)));
        Assert.That(e.Message, Does.StartWith($"{path}:2: ").And.Contain(problem));
    }

    [Test]
    public void Read_NoRecords_Throws()
    {
        var path = Write("", "  ");
        var e = Assert.Throws<DataFormatException>(() => PromptFile.Read(path))!;
        Assert.That(e.Message, Is.EqualTo($"{path}:0: the dataset holds no prompts"));
    }
}
