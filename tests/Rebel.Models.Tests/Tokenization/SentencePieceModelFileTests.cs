using System.IO.Compression;
using Rebel.Models.Data;
using Rebel.Models.Tokenization;

namespace Rebel.Models.Tests.Tokenization;

/// <summary>
/// A folder with SentencePiece's <c>tokenizer.model</c> and no <c>tokenizer.json</c> (Llama 2 / Mistral layout). The
/// oracle packages ship no tokenizer.model, so the fixture is written from Mistral-7B's tokenizer.json by
/// tools/sentencepiece-model (scores rebuilt from its merge order); the ids must be the oracle's for Mistral.
/// </summary>
public class SentencePieceModelFileTests
{
    private static readonly Lazy<string> Folder = new(() =>
    {
        var dir = Directory.CreateTempSubdirectory("rebel-spm-").FullName;
        var source = Path.Combine(TestContext.CurrentContext.TestDirectory, "fixtures", "tokenizers");
        using (var gz = new GZipStream(File.OpenRead(Path.Combine(source, "mistral-sentencepiece", "tokenizer.model.gz")), CompressionMode.Decompress))
        using (var output = File.Create(Path.Combine(dir, "tokenizer.model")))
            gz.CopyTo(output);
        File.Copy(Path.Combine(source, "mistral", "tokenizer_config.json"), Path.Combine(dir, "tokenizer_config.json"));
        return dir;
    });

    private static readonly Lazy<HuggingFaceTokenizer> Tokenizer = new(() => TokenizerFiles.Load(Folder.Value));

    private static IReadOnlyList<TokenizerFamilyFixture.Expected> Lines =>
        TokenizerFamilyFixture.Lines("mistral").Where(e => !KnownDifferences.Applies("mistral", e.Text)).ToList();

    [Test]
    public void Load_TokenizerModel_GivesMistralsOracleIds_ThreeWays()
    {
        var tok = Tokenizer.Value;
        Assert.That(Lines, Has.Count.GreaterThanOrEqualTo(40));
        Assert.That(Lines.Where(e => !tok.Encode(e.Text).SequenceEqual(e.IdsNoAdd)).Select(e => e.Text), Is.Empty);
        Assert.That(Lines.Where(e => !tok.EncodeAddingSpecialTokens(e.Text).SequenceEqual(e.Ids)).Select(e => e.Text), Is.Empty);
        Assert.That(Lines.Where(e => !tok.Encode(e.Text, allowSpecialTokens: false).SequenceEqual(e.IdsPlain)).Select(e => e.Text), Is.Empty);
    }

    [Test]
    public void Load_TokenizerModel_DecodesAsTheOracle_AndMatchesTheJsonTokenizer()
    {
        var tok = Tokenizer.Value;
        var json = TokenizerFamilyFixture.Tokenizer("mistral");
        foreach (var e in Lines)
        {
            Assert.That(tok.Decode(e.IdsNoAdd), Is.EqualTo(e.Decode), e.Text);
            Assert.That(tok.Decode(e.Ids, skipSpecialTokens: true), Is.EqualTo(e.DecodeSkip), e.Text);
        }
        Assert.That((tok.BosId, tok.EosId, tok.VocabSize), Is.EqualTo((json.BosId, json.EosId, json.VocabSize)));
        Assert.That(tok.SpecialTokens, Is.EquivalentTo(json.SpecialTokens));
    }

    [Test]
    public void Load_TokenizerModel_HonoursAddEosToken()
    {
        var dir = Directory.CreateTempSubdirectory("rebel-spm-eos-").FullName;
        File.Copy(Path.Combine(Folder.Value, "tokenizer.model"), Path.Combine(dir, "tokenizer.model"));
        File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"), """{"bos_token": "<s>", "eos_token": "</s>", "add_eos_token": true}""");
        var tok = TokenizerFiles.Load(dir);
        Assert.That(tok.EncodeAddingSpecialTokens("Hi"), Is.EqualTo(new[] { 1 }.Concat(tok.Encode("Hi")).Append(2)));
    }

    [TestCase(new byte[] { 0x0A, 0x05, 0x0A }, "not a SentencePiece model")]
    [TestCase(new byte[] { 0x12, 0x02, 0x18, 0x01 }, "not a SentencePiece model (no pieces)")]
    public void Load_MalformedModel_NamesTheFile(byte[] bytes, string problem)
    {
        var dir = Directory.CreateTempSubdirectory("rebel-spm-bad-").FullName;
        File.WriteAllBytes(Path.Combine(dir, "tokenizer.model"), bytes);
        var e = Assert.Throws<DataFormatException>(() => TokenizerFiles.Load(dir))!;
        Assert.That(e.Message, Does.StartWith(Path.Combine(dir, "tokenizer.model") + ":0: " + problem));
    }

    [Test]
    public void Load_UnigramModel_IsRefused()
    {
        var dir = Directory.CreateTempSubdirectory("rebel-spm-unigram-").FullName;
        // one piece "a", trainer_spec.model_type = 1 (UNIGRAM)
        File.WriteAllBytes(Path.Combine(dir, "tokenizer.model"), [0x0A, 0x03, 0x0A, 0x01, (byte)'a', 0x12, 0x02, 0x18, 0x01]);
        var e = Assert.Throws<DataFormatException>(() => TokenizerFiles.Load(dir))!;
        Assert.That(e.Message, Does.Contain("trainer_spec.model_type 1 is not supported (only BPE, 2)"));
    }
}
