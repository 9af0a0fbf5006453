using System.Text.Json.Nodes;
using Rebel.Models.Data;
using Rebel.Models.Tokenization;

namespace Rebel.Models.Tests.Tokenization;

/// <summary><c>add_bos_token</c> / <c>add_eos_token</c> in tokenizer_config.json decide what <c>encode(text)</c> puts around
/// the ids, over the post-processor of tokenizer.json (Mistral's adds BOS only), as transformers' Llama tokenizers do.</summary>
public class AddSpecialTokenFlagsTests
{
    private static string Mistral(Action<JsonObject> edit)
    {
        var dir = TokenizerFamilyFixture.Unpack("mistral");
        var path = Path.Combine(dir, "tokenizer_config.json");
        var config = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(config);
        File.WriteAllText(path, config.ToJsonString());
        return dir;
    }

    [Test]
    public void Flags_AsShipped_KeepThePostProcessorsBos()
    {
        var tok = TokenizerFiles.Load(Mistral(_ => { }));
        Assert.That(tok.EncodeAddingSpecialTokens("Hello"), Is.EqualTo(new[] { tok.BosId!.Value }.Concat(tok.Encode("Hello"))));
    }

    [TestCase(false, true)]
    [TestCase(true, true)]
    [TestCase(false, false)]
    public void Flags_ReplaceWhatSurroundsASequence(bool bos, bool eos)
    {
        var tok = TokenizerFiles.Load(Mistral(c => { c["add_bos_token"] = bos; c["add_eos_token"] = eos; }));
        int[] expected = [.. bos ? [tok.BosId!.Value] : Array.Empty<int>(), .. tok.Encode("Hello"), .. eos ? [tok.EosId!.Value] : Array.Empty<int>()];
        Assert.That(tok.EncodeAddingSpecialTokens("Hello"), Is.EqualTo(expected));
        Assert.That(tok.Encode("Hello"), Does.Not.Contain(tok.EosId!.Value), "add_special_tokens=False adds nothing");
    }

    [Test]
    public void Flags_OnGpt2sTwoFileLayout_AddTheNamedTokens()
    {
        var dir = Directory.CreateTempSubdirectory("rebel-gpt2-flags-").FullName;
        foreach (var f in new[] { "encoder.json", "vocab.bpe" }) File.Copy(Path.Combine(TestContext.CurrentContext.TestDirectory, "fixtures", "gpt2", f), Path.Combine(dir, f));
        File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"), """{"bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>", "add_bos_token": true}""");
        var tok = TokenizerFiles.Load(dir);
        Assert.That(tok.EncodeAddingSpecialTokens("Hello world"), Is.EqualTo(new[] { 50256, 15496, 995 }));
    }

    [Test]
    public void Flags_BadValueOrMissingToken_NameTheFile()
    {
        var bad = Assert.Throws<DataFormatException>(() => TokenizerFiles.Load(Mistral(c => c["add_eos_token"] = "yes")))!;
        Assert.That(bad.Message, Does.Contain("tokenizer_config.json:0: \"add_eos_token\" must be true or false"));
        var missing = Assert.Throws<DataFormatException>(() => TokenizerFiles.Load(Mistral(c => { c["add_bos_token"] = true; c["bos_token"] = null; })))!;
        Assert.That(missing.Message, Does.Contain("add_bos_token is true, but no bos_token is named"));
    }
}
