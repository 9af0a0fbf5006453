using Rebel.Models.Chat;
using Rebel.Models.Data;
using Rebel.Models.Tests.Tokenization;

namespace Rebel.Models.Tests.Chat;

public class ChatTemplateLoadingTests
{
    private static void Write(TempDirectory dir, string json) => File.WriteAllText(dir.File("tokenizer_config.json"), json);

    [Test]
    public void Load_ListOfNamedTemplates_TakesDefault()
    {
        using var dir = new TempDirectory();
        Write(dir, """{"eos_token": {"content": "</s>"}, "chat_template": [{"name": "tool_use", "template": "T"}, {"name": "default", "template": "D{{ eos_token }}"}]}""");
        var t = ChatTemplate.Load(dir.Path);
        Assert.That(t.Render([], false), Is.EqualTo("D</s>"));
        Assert.That(t.Name, Is.EqualTo("tokenizer_config.json#chat_template[default]"));
        Assert.That(ChatTemplate.Load(dir.Path, "tool_use").Render([], false), Is.EqualTo("T"));
    }

    [Test]
    public void Load_UnknownTemplateName_ListsTheNames()
    {
        using var dir = new TempDirectory();
        Write(dir, """{"chat_template": [{"name": "tool_use", "template": "T"}]}""");
        var ex = Assert.Throws<DataFormatException>(() => ChatTemplate.Load(dir.Path))!;
        Assert.That(ex.Message, Does.EndWith("tokenizer_config.json:0: chat_template has no template named 'default' (it has: tool_use)"));
    }

    [Test]
    public void Load_NoChatTemplate_Throws()
    {
        using var dir = new TempDirectory();
        Write(dir, """{"eos_token": "</s>"}""");
        Assert.That(() => ChatTemplate.Load(dir.Path), Throws.TypeOf<DataFormatException>().With.Message.EndsWith("has no chat_template"));
    }

    [Test]
    public void Load_MalformedJson_NamesFileAndLine()
    {
        using var dir = new TempDirectory();
        Write(dir, "{\n\"chat_template\": oops}");
        Assert.That(() => ChatTemplate.Load(dir.Path), Throws.TypeOf<DataFormatException>().With.Message.Contains("tokenizer_config.json:2: invalid JSON"));
    }

    [Test]
    public void Load_ChatTemplateJinjaFile_TakesPrecedence()
    {
        using var dir = new TempDirectory();
        Write(dir, """{"bos_token": "<s>", "chat_template": "config"}""");
        File.WriteAllText(dir.File("chat_template.jinja"), "file {{ bos_token }}\n");
        var t = ChatTemplate.Load(dir.Path);
        Assert.That(t.Render([], false), Is.EqualTo("file <s>"));
        Assert.That(t.Name, Is.EqualTo("chat_template.jinja"));
    }

    [Test]
    public void Load_MissingDirectory_Throws()
    {
        Assert.That(() => ChatTemplate.Load(Path.Combine(Path.GetTempPath(), "rebel-no-such-dir-" + Guid.NewGuid())), Throws.TypeOf<DirectoryNotFoundException>());
    }

    [Test]
    public void Tokens_NullTokenIsUndefinedInTheTemplate()
    {
        using var dir = new TempDirectory();
        Write(dir, """{"bos_token": null, "eos_token": "<|im_end|>", "chat_template": "{{ bos_token is defined }} {{ eos_token }}"}""");
        Assert.That(ChatTemplate.Load(dir.Path).Render([], false), Is.EqualTo("False <|im_end|>"));
    }

    [Test]
    public void EndOfTurnToken_NoSpecialAfterContent_FallsBackToEos()
    {
        var t = ChatTemplate.Parse("{% for m in messages %}{{ m.role }}: {{ m.content }}\n{% endfor %}", "t", new ChatTemplateTokens { Eos = "<eos>" });
        Assert.That(t.EndOfTurnToken, Is.EqualTo("<eos>"));
    }

    [Test]
    public void Variables_EnableThinkingFalse_AddsEmptyThinkBlockForQwen3()
    {
        var t = ChatTemplate.Load(Path.Combine(TestContext.CurrentContext.TestDirectory, "fixtures", "chat-templates", "qwen3"));
        var text = t.Render([ChatMessage.User("hi")], true, new Dictionary<string, object?> { ["enable_thinking"] = false });
        Assert.That(text, Is.EqualTo("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n"));
    }
}
