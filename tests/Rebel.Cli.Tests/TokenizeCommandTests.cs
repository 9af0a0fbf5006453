using System.CommandLine;
using System.Text.Json;
using Rebel.Models.Tokenization;
using static Rebel.Cli.Tests.ModelCommandFixture;

namespace Rebel.Cli.Tests;

public class TokenizeCommandTests
{
    private string _dir = null!;
    private ByteLevelBpeTokenizer _tokenizer = null!;

    [OneTimeSetUp]
    public void TrainTinyTokenizer()
    {
        _dir = Path.Combine(Path.GetTempPath(), "rebel-cli-tok-" + Guid.NewGuid().ToString("N"));
        var corpus = Enumerable.Repeat("hello world, the world says hello back to the world.", 5);
        _tokenizer = BpeTrainer.Train(corpus, new BpeTrainerOptions { VocabSize = 300 });
        _tokenizer.Save(_dir);
    }

    [OneTimeTearDown]
    public void Delete() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void Tokenize_Text_PrintsIdsAsJsonArray()
    {
        const string text = "hello world<|endoftext|>";
        var (code, output, error) = Run("tokenize", "--tokenizer", _dir, text);
        Assert.That(code, Is.EqualTo(0), error);
        var ids = JsonSerializer.Deserialize<int[]>(output);
        Assert.That(ids, Is.EqualTo(_tokenizer.Encode(text)));
        Assert.That(ids, Does.Contain(_tokenizer.EosId!.Value));
        Assert.That(output.Trim(), Does.StartWith("[").And.EndWith("]"));
    }

    [Test]
    public void Tokenize_NoSpecialTokens_EncodesSpecialAsText()
    {
        var (code, output, _) = Run("tokenize", "--tokenizer", _dir, "--no-special-tokens", "<|endoftext|>");
        Assert.That(code, Is.EqualTo(0));
        var ids = JsonSerializer.Deserialize<int[]>(output)!;
        Assert.That(ids, Has.No.Member(_tokenizer.EosId!.Value));
        Assert.That(_tokenizer.Decode(ids), Is.EqualTo("<|endoftext|>"));
    }

    [Test]
    public void Tokenize_MissingDirectory_FailsWithMessage()
    {
        var missing = Path.Combine(Path.GetTempPath(), "rebel-no-such-tokenizer");
        var (code, output, error) = Run("tokenize", "--tokenizer", missing, "hello");
        Assert.That(code, Is.Not.EqualTo(0));
        Assert.That(output, Is.Empty);
        Assert.That(error, Does.Contain("rebel-no-such-tokenizer"));
    }

    [Test]
    public void Tokenize_WithoutTokenizerOption_IsAParseError()
    {
        var (code, _, _) = Run("tokenize", "hello");
        Assert.That(code, Is.Not.EqualTo(0));
    }
}
