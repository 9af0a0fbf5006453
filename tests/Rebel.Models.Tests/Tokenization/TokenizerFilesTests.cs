using System.Text.Json;
using Rebel.Models.Data;
using Rebel.Models.Tokenization;

namespace Rebel.Models.Tests.Tokenization;

public class TokenizerFilesTests
{
    private const string Sample = "Saving must not change a single id: naïve café 日本 🎉<|endoftext|>  end\n";

    private TempDirectory _saved = null!;

    [OneTimeSetUp]
    public void SaveGpt2Once()
    {
        _saved = new TempDirectory();
        Gpt2Fixture.Tokenizer.Save(_saved.Path);
    }

    [OneTimeTearDown]
    public void DeleteSaved() => _saved.Dispose();

    [Test]
    public void Save_WritesHuggingFaceFiles_AndNoTemporaries()
    {
        var names = Directory.GetFiles(_saved.Path).Select(Path.GetFileName).Order().ToArray();
        Assert.That(names, Is.EqualTo(new[]
        {
            "merges.txt", "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json", "vocab.json",
        }));
        using var map = JsonDocument.Parse(File.ReadAllText(_saved.File("special_tokens_map.json")));
        Assert.That(map.RootElement.GetProperty("eos_token").GetString(), Is.EqualTo("<|endoftext|>"));
        Assert.That(File.ReadLines(_saved.File("merges.txt")).First(), Is.EqualTo("#version: 0.2"));
    }

    [Test]
    public void Save_ThenLoadTokenizerJson_GivesSameIdsAndSpecials()
    {
        var loaded = TokenizerFiles.Load(_saved.Path);          // prefers tokenizer.json
        Assert.Multiple(() =>
        {
            Assert.That(loaded.Encode(Sample), Is.EqualTo(Gpt2Fixture.Tokenizer.Encode(Sample)));
            Assert.That(loaded.VocabSize, Is.EqualTo(50257));
            Assert.That(loaded.EosId, Is.EqualTo(50256));
        });
    }

    [Test]
    public void Save_ThenLoadVocabAndMerges_GivesSameIds()
    {
        using var dir = new TempDirectory();
        foreach (var name in new[] { "vocab.json", "merges.txt", "tokenizer_config.json", "special_tokens_map.json" })
            File.Copy(_saved.File(name), dir.File(name));
        var loaded = TokenizerFiles.Load(dir.Path);
        Assert.That(loaded.Encode(Sample), Is.EqualTo(Gpt2Fixture.Tokenizer.Encode(Sample)));
        Assert.That(loaded.EosId, Is.EqualTo(50256));
    }

    private static void WriteByteVocab(string path, params (string Token, int Id)[] extra)
    {
        var vocab = new Dictionary<string, int>();
        for (int b = 0; b < 256; b++) vocab[ByteLevelAlphabet.ByteToChar[b].ToString()] = b;
        foreach (var (token, id) in extra) vocab[token] = id;
        File.WriteAllText(path, JsonSerializer.Serialize(vocab));
    }

    [Test]
    public void Load_MalformedMergeLine_ThrowsNamingFileAndLine()
    {
        using var dir = new TempDirectory();
        WriteByteVocab(dir.File("vocab.json"), ("ab", 256));
        File.WriteAllText(dir.File("merges.txt"), "#version: 0.2\na b\nthree parts here\n");
        var e = Assert.Throws<DataFormatException>(() => TokenizerFiles.Load(dir.Path));
        Assert.That(e!.Line, Is.EqualTo(3));
        Assert.That(e.Message, Does.Contain("merges.txt:3"));
    }

    [Test]
    public void Load_MergeOutsideVocabulary_ThrowsNamingLineAndToken()
    {
        using var dir = new TempDirectory();
        WriteByteVocab(dir.File("vocab.json"));
        File.WriteAllText(dir.File("merges.txt"), "#version: 0.2\na b\n");
        var e = Assert.Throws<DataFormatException>(() => TokenizerFiles.Load(dir.Path));
        Assert.That(e!.Line, Is.EqualTo(2));
        Assert.That(e.Message, Does.Contain("\"ab\""));
    }

    [Test]
    public void Load_VocabNotAnObject_Throws()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("vocab.json"), "[1, 2]");
        File.WriteAllText(dir.File("merges.txt"), "");
        var e = Assert.Throws<DataFormatException>(() => TokenizerFiles.Load(dir.Path));
        Assert.That(e!.Message, Does.Contain("vocab.json"));
    }

    [Test]
    public void Load_EmptyDirectory_ThrowsFileNotFound()
    {
        using var dir = new TempDirectory();
        Assert.Throws<FileNotFoundException>(() => TokenizerFiles.Load(dir.Path));
    }

    [Test]
    public void Load_MissingDirectory_ThrowsDirectoryNotFound()
    {
        Assert.Throws<DirectoryNotFoundException>(() => TokenizerFiles.Load(Path.Combine(Path.GetTempPath(), "no-such-rebel-dir")));
    }

    private static string TokenizerJson(string modelType, string preTokenizer, string merges = "[\"a b\"]") =>
        $$"""
        {
          "added_tokens": [{"id": 257, "content": "<|im_end|>", "special": true}],
          "normalizer": null,
          "pre_tokenizer": {{preTokenizer}},
          "model": {"type": "{{modelType}}", "vocab": {{VocabJsonText()}}, "merges": {{merges}}}
        }
        """;

    private static string VocabJsonText()
    {
        var vocab = new Dictionary<string, int>();
        for (int b = 0; b < 256; b++) vocab[ByteLevelAlphabet.ByteToChar[b].ToString()] = b;
        vocab["ab"] = 256;
        return JsonSerializer.Serialize(vocab);
    }

    private const string ByteLevel = "{\"type\": \"ByteLevel\", \"add_prefix_space\": false}";

    [Test]
    public void Load_TokenizerJson_ReadsMergesInBothShapesAndAddedTokens()
    {
        foreach (var merges in new[] { "[\"a b\"]", "[[\"a\", \"b\"]]" })
        {
            using var dir = new TempDirectory();
            File.WriteAllText(dir.File("tokenizer.json"), TokenizerJson("BPE", ByteLevel, merges));
            var tokenizer = TokenizerFiles.Load(dir.Path);
            Assert.That(tokenizer.Encode("ab<|im_end|>"), Is.EqualTo(new[] { 256, 257 }), merges);
            Assert.That(tokenizer.VocabSize, Is.EqualTo(258));
        }
    }

    [Test]
    public void Load_TokenizerJsonWithEosInConfig_UsesIt()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("tokenizer.json"), TokenizerJson("BPE", ByteLevel));
        File.WriteAllText(dir.File("tokenizer_config.json"), "{\"eos_token\": {\"content\": \"<|im_end|>\"}}");
        Assert.That(TokenizerFiles.Load(dir.Path).EosId, Is.EqualTo(257));
    }

    [TestCase("WordPiece", ByteLevel, "model type WordPiece")]
    [TestCase("BPE", "{\"type\": \"Whitespace\"}", "pre_tokenizer Whitespace")]
    [TestCase("BPE", "null", "pre_tokenizer")]
    public void Load_UnsupportedTokenizerJson_ThrowsNamingTheField(string modelType, string preTokenizer, string expected)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("tokenizer.json"), TokenizerJson(modelType, preTokenizer));
        var e = Assert.Throws<DataFormatException>(() => TokenizerFiles.Load(dir.Path));
        Assert.That(e!.Message, Does.Contain(expected).And.Contain("tokenizer.json"));
    }

    [Test]
    public void Load_TokenizerJsonMergeOutsideVocabulary_ThrowsNamingIndex()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("tokenizer.json"), TokenizerJson("BPE", ByteLevel, "[\"a b\", \"x y\"]"));
        var e = Assert.Throws<DataFormatException>(() => TokenizerFiles.Load(dir.Path));
        Assert.That(e!.Message, Does.Contain("model.merges[1]").And.Contain("\"xy\""));
    }

    [Test]
    public void Load_InvalidJson_ThrowsNamingFile()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("tokenizer.json"), "{ not json");
        var e = Assert.Throws<DataFormatException>(() => TokenizerFiles.Load(dir.Path));
        Assert.That(e!.Path, Does.EndWith("tokenizer.json"));
    }
}
