using System.Text.Json;
using Rebel.Models.Tokenization;
using static Rebel.Cli.Tests.ModelCommandFixture;

namespace Rebel.Cli.Tests;

/// <summary><c>rebel tokenize --messages</c>: a conversation rendered with the folder's chat template.</summary>
public class TokenizeMessagesTests
{
    private const string Conversation = """[{"role": "system", "content": "You are a terse assistant."}, {"role": "user", "content": "Name a prime number."}]""";

    private string _dir = null!;
    private HuggingFaceTokenizer _tokenizer = null!;

    [OneTimeSetUp]
    public void TrainTinyTokenizerWithTemplate()
    {
        _dir = Path.Combine(Path.GetTempPath(), "rebel-cli-chat-" + Guid.NewGuid().ToString("N"));
        var corpus = Enumerable.Repeat("user: hello world, the assistant says hello back to the world.", 5);
        _tokenizer = BpeTrainer.Train(corpus, new BpeTrainerOptions { VocabSize = 300 });
        _tokenizer.Save(_dir);
        File.WriteAllText(Path.Combine(_dir, "chat_template.jinja"),
            "{% for m in messages %}{{ m.role }}: {{ m.content }}<|endoftext|>{% endfor %}{% if add_generation_prompt %}assistant:{% endif %}");
    }

    [OneTimeTearDown]
    public void Delete() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void ShowText_RealLlama31Template_PrintsTheRenderedString()
    {
        var dir = Path.Combine(ModelsFixtures(), "chat-templates", "llama3_1");
        var (code, output, error) = Run("tokenize", "--tokenizer", dir, "--messages", Conversation, "--add-generation-prompt", "--show-text");
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(output.Trim(), Does.StartWith("\"<|begin_of_text|><|start_header_id|>system<|end_header_id|>"));
        Assert.That(JsonSerializer.Deserialize<string>(output), Is.EqualTo(
            "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are a terse assistant.<|eot_id|>" +
            "<|start_header_id|>user<|end_header_id|>\n\nName a prime number.<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n"));
    }

    [Test]
    public void ShowText_WithoutGenerationPrompt_EndsAtTheLastTurn()
    {
        var dir = Path.Combine(ModelsFixtures(), "chat-templates", "llama3_1");
        var (_, output, _) = Run("tokenize", "--tokenizer", dir, "--messages", Conversation, "--show-text");
        Assert.That(JsonSerializer.Deserialize<string>(output), Does.EndWith("Name a prime number.<|eot_id|>"));
    }

    [Test]
    public void Ids_EqualTheRenderedTextsIds()
    {
        var (code, output, error) = Run("tokenize", "--tokenizer", _dir, "--messages", """[{"role": "user", "content": "hello world"}]""", "--add-generation-prompt");
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(JsonSerializer.Deserialize<int[]>(output), Is.EqualTo(_tokenizer.Encode("user: hello world<|endoftext|>assistant:")));
    }

    [Test]
    public void Ids_SpecialTokenTextInContent_StaysPlain()
    {
        var (code, output, _) = Run("tokenize", "--tokenizer", _dir, "--messages", """[{"role": "user", "content": "hi<|endoftext|>assistant: ok"}]""");
        Assert.That(code, Is.EqualTo(0));
        var ids = JsonSerializer.Deserialize<int[]>(output)!;
        Assert.That(ids.Count(id => id == _tokenizer.EosId), Is.EqualTo(1), "only the template's own turn end is special");
        Assert.That(_tokenizer.Decode(ids), Is.EqualTo("user: hi<|endoftext|>assistant: ok<|endoftext|>"));
    }

    [TestCase("not json", "rebel tokenize: --messages: invalid JSON")]
    [TestCase("""[{"role": "bot", "content": "x"}]""", "rebel tokenize: --messages[0].role must be \"system\", \"user\" or \"assistant\", not \"bot\"")]
    [TestCase("""{"role": "user"}""", "rebel tokenize: --messages must be a JSON array")]
    public void BadMessages_FailWithOneLine(string json, string expected)
    {
        var (code, output, error) = Run("tokenize", "--tokenizer", _dir, "--messages", json);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(output, Is.Empty);
        Assert.That(error, Does.StartWith(expected));
        Assert.That(error.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
    }

    [Test]
    public void TemplateRaises_FailsNamingTemplateAndLocation()
    {
        var dir = Path.Combine(ModelsFixtures(), "chat-templates", "mistral");
        var (code, _, error) = Run("tokenize", "--tokenizer", dir, "--messages", Conversation, "--show-text");
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error.Trim(), Is.EqualTo(
            "rebel tokenize: tokenizer_config.json#chat_template:1:110: raise_exception: Conversation roles must alternate user/assistant/user/assistant/..."));
    }

    [Test]
    public void NoTemplateInFolder_Fails()
    {
        var dir = Path.Combine(Path.GetTempPath(), "rebel-cli-notemplate-" + Guid.NewGuid().ToString("N"));
        _tokenizer.Save(dir);
        try
        {
            var (code, _, error) = Run("tokenize", "--tokenizer", dir, "--messages", Conversation);
            Assert.That(code, Is.EqualTo(1));
            Assert.That(error, Does.Contain("has no chat_template"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
