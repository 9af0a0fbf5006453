using Rebel.Models.Chat;
using Rebel.Models.Prompts;
using Rebel.Models.Tokenization;

namespace Rebel.Models.Tests.Prompts;

public class PromptRendererTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rebel-renderer-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static readonly ITokenizer Tokenizer = BpeTrainer.Train(["hello world"], new BpeTrainerOptions { VocabSize = 260 });

    [Test]
    public void ForModel_WithoutTemplate_IsChatMlRefusingTheTokenizersSpecialTokens()
    {
        var renderer = PromptRenderer.ForModel(_dir, Tokenizer);
        Assert.That(renderer, Is.TypeOf<ChatMlPromptRenderer>());
        var special = Tokenizer.SpecialTokens.Keys.First();
        Assert.Throws<ArgumentException>(() => renderer.Render(Prompt.FromMessages([ChatMessage.User(special)])));
    }

    [Test]
    public void ForModel_WithOwnTemplate_PassesTextAndRefusesConversations()
    {
        File.WriteAllText(Path.Combine(_dir, "tokenizer_config.json"), """{"chat_template": "{% for m in messages %}{{ m.content }}{% endfor %}"}""");
        var renderer = PromptRenderer.ForModel(_dir, Tokenizer);
        Assert.That(renderer.Render(Prompt.FromText("plain")), Is.EqualTo("plain"));
        var e = Assert.Throws<ArgumentException>(() => renderer.Render(Prompt.FromMessages([ChatMessage.User("q")])))!;
        Assert.That(e.Message, Does.Contain("tokenizer_config.json: the model has its own chat_template"));
    }

    [Test]
    public void ChatTemplateOf_ReadsStringOrNamedDefault()
    {
        string config = Path.Combine(_dir, "tokenizer_config.json");
        Assert.That(PromptRenderer.ChatTemplateOf(_dir), Is.Null);
        File.WriteAllText(config, """{"chat_template": [{"name": "tool_use", "template": "T"}, {"name": "default", "template": "D"}]}""");
        Assert.That(PromptRenderer.ChatTemplateOf(_dir), Is.EqualTo("D"));
        File.WriteAllText(config, """{"bos_token": "<s>"}""");
        Assert.That(PromptRenderer.ChatTemplateOf(_dir), Is.Null);
        File.WriteAllText(config, """{"chat_template": 3}""");
        Assert.Throws<InvalidDataException>(() => PromptRenderer.ChatTemplateOf(_dir));
    }
}
