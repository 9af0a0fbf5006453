using System.Text.Json.Nodes;
using Rebel.Models.Data;
using Rebel.Models.Tokenization;

namespace Rebel.Models.Tests.Tokenization;

/// <summary>
/// What the runtime refuses in a real family's tokenizer.json (Mistral's, small enough to edit), each with an error
/// naming the file and the field; and that Save writes back files that load to the same ids.
/// </summary>
public sealed class TokenizerJsonRefusalTests
{
    private static string Edited(Action<JsonObject> edit)
    {
        var dir = TokenizerFamilyFixture.Unpack("mistral");
        var path = Path.Combine(dir, "tokenizer.json");
        var root = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(root);
        File.WriteAllText(path, root.ToJsonString());
        return dir;
    }

    private static void AssertRefused(Action<JsonObject> edit, string field)
    {
        var dir = Edited(edit);
        try
        {
            var e = Assert.Throws<DataFormatException>(() => TokenizerFiles.Load(dir));
            Assert.That(e!.Message, Does.Contain("tokenizer.json").And.Contain(field));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void Load_MetaspaceThatSplits_IsRefused() => AssertRefused(root =>
    {
        root["normalizer"] = null;
        root["pre_tokenizer"] = JsonNode.Parse("{\"type\":\"Metaspace\",\"replacement\":\"\u2581\",\"prepend_scheme\":\"first\",\"split\":true}");
    }, "split");

    [Test]
    public void Load_AddedTokenWithLstrip_IsRefused() =>
        AssertRefused(root => root["added_tokens"]![1]!["lstrip"] = true, "lstrip");

    [Test]
    public void Load_UnknownDecoderStep_IsRefused() =>
        AssertRefused(root => root["decoder"] = JsonNode.Parse("{\"type\":\"WordPiece\",\"prefix\":\"##\"}"), "decoder WordPiece");

    [Test]
    public void Load_UnknownNormalizer_IsRefused() =>
        AssertRefused(root => root["normalizer"] = JsonNode.Parse("{\"type\":\"Lowercase\"}"), "normalizer");

    [Test]
    public void Load_ByteFallbackWithoutByteTokens_IsRefused() => AssertRefused(root =>
    {
        var vocab = root["model"]!["vocab"]!.AsObject();
        vocab.Remove("<0x41>");
    }, "<0x41>");

    [Test]
    public void Load_MetaspacePreTokenizer_EncodesAsTheNormalizerDid_ExceptBeforeALeadingSpace()
    {
        // Newer Llama/Mistral files express the same thing as a Metaspace pre-tokenizer with prepend_scheme "first".
        var dir = Edited(root =>
        {
            root["normalizer"] = null;
            root["pre_tokenizer"] = JsonNode.Parse("{\"type\":\"Metaspace\",\"replacement\":\"\u2581\",\"prepend_scheme\":\"always\",\"split\":false}");
        });
        try
        {
            var metaspace = TokenizerFiles.Load(dir);
            var mistral = TokenizerFamilyFixture.Tokenizer("mistral");
            foreach (var text in new[] { "Hello world", "<s>[INST] Hi [/INST]", "日本語 text", "trailing " })
                Assert.That(metaspace.Encode(text), Is.EqualTo(mistral.Encode(text)), text);
            // Metaspace puts no "▁" before a stretch that starts with one once spaces became "▁"; the Prepend
            // normalizer puts one before every stretch
            Assert.That(metaspace.Encode("  two spaces"), Is.EqualTo(mistral.Encode(" two spaces")));
            Assert.That(metaspace.Encode("\u2581x"), Is.EqualTo(mistral.Encode("x")));
            Assert.That(mistral.Encode("\u2581x"), Is.EqualTo(mistral.Encode(" x")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void Load_OnlyAMalformedTokenizerModel_IsRefusedNamingIt()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("tokenizer.model"), [1, 2, 3]);
        var e = Assert.Throws<DataFormatException>(() => TokenizerFiles.Load(dir.Path));
        Assert.That(e!.Message, Does.StartWith(dir.File("tokenizer.model") + ":0: not a SentencePiece model"));
    }

    [TestCase("mistral")]
    [TestCase("qwen3")]
    public void Save_CopiesTheFiles_WhichLoadToTheSameIds(string family)
    {
        var tokenizer = TokenizerFamilyFixture.Tokenizer(family);
        using var dir = new TempDirectory();
        tokenizer.Save(dir.Path);
        var reloaded = TokenizerFiles.Load(dir.Path);
        const string text = "<|im_start|>user\nHello, world! 12345 日本語<|im_end|>";
        Assert.That(reloaded.EncodeAddingSpecialTokens(text), Is.EqualTo(tokenizer.EncodeAddingSpecialTokens(text)));
        Assert.That(reloaded.EosId, Is.EqualTo(tokenizer.EosId));
        Assert.That(reloaded.BosId, Is.EqualTo(tokenizer.BosId));
    }

    [Test]
    public void SpecialIds_FollowTheConfig()
    {
        Assert.Multiple(() =>
        {
            Assert.That(TokenizerFamilyFixture.Tokenizer("llama3_1").EosId, Is.EqualTo(128009));      // <|eot_id|>
            Assert.That(TokenizerFamilyFixture.Tokenizer("llama3_1").BosId, Is.EqualTo(128000));
            Assert.That(TokenizerFamilyFixture.Tokenizer("qwen3").EosId, Is.EqualTo(151645));         // <|im_end|>
            Assert.That(TokenizerFamilyFixture.Tokenizer("qwen3").BosId, Is.Null);
            Assert.That(TokenizerFamilyFixture.Tokenizer("mistral").BosId, Is.EqualTo(1));
            Assert.That(TokenizerFamilyFixture.Tokenizer("gemma3").EosId, Is.EqualTo(106));           // <end_of_turn>
        });
    }
}
