using System.CommandLine;
using System.Text.Json;
using Rebel.Models.Tokenization;
using static Rebel.Cli.Tests.ModelCommandFixture;

namespace Rebel.Cli.Tests;

public class TokenizeCommandTests
{
    private string _dir = null!;
    private HuggingFaceTokenizer _tokenizer = null!;

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

    /// <summary>
    /// Every family's real tokenizer (fixtures/tokenizers, unpacked): the default gives transformers.js's
    /// <c>encode(text)</c>, BOS included where the post-processor adds it; --no-add-special-tokens leaves it out.
    /// </summary>
    [TestCase("gpt2")]
    [TestCase("llama3_1")]
    [TestCase("qwen3")]
    [TestCase("mistral")]
    [TestCase("gemma3")]
    public void Tokenize_EveryFamily_MatchesTheOracle(string family)
    {
        var source = Path.Combine(ModelsFixtures(), "tokenizers", family);
        var dir = Path.Combine(Path.GetTempPath(), "rebel-cli-family-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            using (var gz = new System.IO.Compression.GZipStream(File.OpenRead(Path.Combine(source, "tokenizer.json.gz")), System.IO.Compression.CompressionMode.Decompress))
            using (var file = File.Create(Path.Combine(dir, "tokenizer.json")))
                gz.CopyTo(file);
            File.Copy(Path.Combine(source, "tokenizer_config.json"), Path.Combine(dir, "tokenizer_config.json"));
            foreach (int line in new[] { 1, 36 })   // "Hello, world! ...", "<|im_start|>user ..."
            {
                using var expected = JsonDocument.Parse(File.ReadLines(Path.Combine(source, "expected.jsonl")).ElementAt(line));
                string text = expected.RootElement.GetProperty("text").GetString()!;
                var (code, output, error) = Run("tokenize", "--tokenizer", dir, text);
                Assert.That(code, Is.EqualTo(0), error);
                Assert.That(output.Trim(), Is.EqualTo(expected.RootElement.GetProperty("ids").GetRawText()), text);
                (code, output, error) = Run("tokenize", "--tokenizer", dir, "--no-add-special-tokens", text);
                Assert.That(code, Is.EqualTo(0), error);
                Assert.That(output.Trim(), Is.EqualTo(expected.RootElement.GetProperty("ids_no_add").GetRawText()), text);
                (code, output, error) = Run("tokenize", "--tokenizer", dir, "--no-add-special-tokens", "--no-special-tokens", text);
                Assert.That(code, Is.EqualTo(0), error);
                Assert.That(output.Trim(), Is.EqualTo(expected.RootElement.GetProperty("ids_plain").GetRawText()), text);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
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
