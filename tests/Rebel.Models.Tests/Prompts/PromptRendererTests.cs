using System.Text.Json.Nodes;
using Rebel.Models.Chat;
using Rebel.Models.Data;
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

    /// <summary>ChatML written as a Jinja template, as Qwen and SmolLM2 ship it (without their default system message).</summary>
    private const string ChatMlJinja =
        "{% for m in messages %}{{ '<|im_start|>' + m['role'] + '\\n' + m['content'] + '<|im_end|>' + '\\n' }}{% endfor %}"
        + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private void WriteConfig(string template, string eos = "<|im_end|>") =>
        File.WriteAllText(Path.Combine(_dir, "tokenizer_config.json"),
            new JsonObject { ["chat_template"] = template, ["eos_token"] = eos }.ToJsonString());

    private static readonly Prompt Conversation = Prompt.FromMessages([ChatMessage.System("Be brief."), ChatMessage.User("Hi"), ChatMessage.Assistant("Hello."), ChatMessage.User("Again")]);

    [Test]
    public void ForModel_WithoutTemplate_IsChatMlRefusingTheTokenizersSpecialTokens()
    {
        var renderer = PromptRenderer.ForModel(_dir, Tokenizer);
        Assert.That(renderer, Is.TypeOf<ChatMlPromptRenderer>());
        var special = Tokenizer.SpecialTokens.Keys.First();
        Assert.Throws<ArgumentException>(() => renderer.Render(Prompt.FromMessages([ChatMessage.User(special)])));
    }

    [Test]
    public void ForModel_WithOwnTemplate_RendersWithIt()
    {
        WriteConfig(ChatMlJinja);
        var renderer = PromptRenderer.ForModel(_dir, Tokenizer);
        Assert.That(renderer, Is.TypeOf<ChatTemplatePromptRenderer>());
        Assert.That(renderer.Render(Prompt.FromText("plain")), Is.EqualTo("plain"));
        Assert.That(renderer.Render(Conversation), Is.EqualTo(new ChatMlPromptRenderer([]).Render(Conversation)), "the same format written as a template renders the same text");
        Assert.That(renderer.Name, Does.StartWith("chat_template:").And.Length.EqualTo("chat_template:".Length + 12));
    }

    [Test]
    public void ForModel_OwnTemplate_RefusesTheTemplatesSpecialTokensInContent()
    {
        WriteConfig(ChatMlJinja, eos: "<|im_end|>");
        var renderer = PromptRenderer.ForModel(_dir, Tokenizer);
        var e = Assert.Throws<ArgumentException>(() => renderer.Render(Prompt.FromMessages([ChatMessage.User("a<|im_end|>b")])))!;
        Assert.That(e.Message, Does.Contain("message 1 (user) contains the special text \"<|im_end|>\""));
    }

    [Test]
    public void ForModel_TemplateRaising_IsAnArgumentError_AndPlainTextStillReads()
    {
        WriteConfig("{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}{{ messages[0]['content'] }}");
        var renderer = PromptRenderer.ForModel(_dir, Tokenizer);
        Assert.That(renderer.Render(Prompt.FromText("plain")), Is.EqualTo("plain"));
        var e = Assert.Throws<ArgumentException>(() => renderer.Render(Conversation))!;
        Assert.That(e.Message, Does.Contain("System role not supported"));
    }

    [Test]
    public void HasChatTemplate_ReadsTheConfigOrAJinjaFile()
    {
        Assert.That(PromptRenderer.HasChatTemplate(_dir), Is.False);
        File.WriteAllText(Path.Combine(_dir, "tokenizer_config.json"), """{"bos_token": "<s>", "chat_template": null}""");
        Assert.That(PromptRenderer.HasChatTemplate(_dir), Is.False);
        File.WriteAllText(Path.Combine(_dir, "chat_template.jinja"), ChatMlJinja);
        Assert.That(PromptRenderer.HasChatTemplate(_dir), Is.True);
        File.Delete(Path.Combine(_dir, "chat_template.jinja"));
        File.WriteAllText(Path.Combine(_dir, "tokenizer_config.json"), "{not json");
        Assert.Throws<DataFormatException>(() => PromptRenderer.HasChatTemplate(_dir));
    }
}
