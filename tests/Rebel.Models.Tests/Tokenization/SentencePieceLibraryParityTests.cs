using System.IO.Compression;
using System.Text.Json;
using Rebel.Models.Data;
using Rebel.Models.Tokenization;

namespace Rebel.Models.Tests.Tokenization;

/// <summary>
/// Rebel's tokenizer.model reader against the real SentencePiece library (tools/sentencepiece-model, Debian's
/// python3-sentencepiece 0.1.97): a BPE model that library trained as Llama 2 was trained (byte fallback, split digits,
/// the dummy prefix, whitespace kept), loaded the way a user's Llama 2 folder is (tokenizer.model, no tokenizer.json),
/// must give the library's ids, pieces and decodes on the oracle's texts, the training corpus and SentencePiece's own
/// edge cases. SentencePiece reads special-token text as characters; Hugging Face, and Rebel by default, as the token.
/// </summary>
public class SentencePieceLibraryParityTests
{
    /// <summary>One line of sentencepiece-bpe/expected.jsonl: what the library gave for one text.</summary>
    private sealed record Expected(
        string Text, int[] Ids, int[] IdsBos, int[] IdsBosEos, string[] Pieces, string Decode, string DecodeBosEos);

    private static string Source(string name) =>
        Path.Combine(TestContext.CurrentContext.TestDirectory, "fixtures", "tokenizers", name);

    private static readonly Lazy<string> Folder = new(() => Unpack("sentencepiece-bpe", tokenizerConfig: null));

    private static readonly Lazy<HuggingFaceTokenizer> Tokenizer = new(() => TokenizerFiles.Load(Folder.Value));

    private static readonly Lazy<IReadOnlyList<Expected>> Lines = new(() =>
        File.ReadLines(Path.Combine(Source("sentencepiece-bpe"), "expected.jsonl")).Where(l => l.Length > 0).Select(l =>
        {
            using var doc = JsonDocument.Parse(l);
            var r = doc.RootElement;
            int[] Ints(string name) => r.GetProperty(name).EnumerateArray().Select(e => e.GetInt32()).ToArray();
            return new Expected(r.GetProperty("text").GetString()!, Ints("ids"), Ints("ids_bos"), Ints("ids_bos_eos"),
                r.GetProperty("pieces").EnumerateArray().Select(e => e.GetString()!).ToArray(),
                r.GetProperty("decode").GetString()!, r.GetProperty("decode_bos_eos").GetString()!);
        }).ToList());

    /// <summary>The model's control and unknown pieces, whose text Hugging Face (and Rebel by default) reads as the token.</summary>
    private static readonly string[] SpecialPieceTexts = ["<unk>", "<s>", "</s>"];

    private static bool HoldsSpecialText(string text) => SpecialPieceTexts.Any(s => text.Contains(s, StringComparison.Ordinal));

    /// <summary>A folder with only the model's tokenizer.model (and <paramref name="tokenizerConfig"/> if given).</summary>
    private static string Unpack(string name, string? tokenizerConfig)
    {
        var dir = Directory.CreateTempSubdirectory("rebel-spm-real-").FullName;
        using (var gz = new GZipStream(File.OpenRead(Path.Combine(Source(name), "tokenizer.model.gz")), CompressionMode.Decompress))
        using (var output = File.Create(Path.Combine(dir, TokenizerFiles.TokenizerModel)))
            gz.CopyTo(output);
        if (tokenizerConfig is not null) File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"), tokenizerConfig);
        return dir;
    }

    [Test]
    public void Fixture_CoversTheOracleTextsAndTheCorpus()
    {
        Assert.That(Lines.Value, Has.Count.GreaterThanOrEqualTo(280));
        Assert.That(File.Exists(Path.Combine(Folder.Value, TokenizerFiles.TokenizerJson)), Is.False);
        // byte fallback and the dummy prefix both occur, or the checks below would prove less than they say
        Assert.That(Lines.Value.Count(e => e.Pieces.Any(p => p.StartsWith("<0x", StringComparison.Ordinal))), Is.GreaterThan(20));
        Assert.That(Lines.Value.Count(e => e.Pieces.FirstOrDefault()?.StartsWith('\u2581') == true), Is.GreaterThan(200));
    }

    [Test]
    public void Encode_SpecialTextAsCharacters_GivesTheLibrarysIds()
    {
        var tok = Tokenizer.Value;
        var differ = Lines.Value.Where(e => !tok.Encode(e.Text, allowSpecialTokens: false).SequenceEqual(e.Ids)).Select(e => e.Text);
        Assert.That(differ, Is.Empty);
    }

    [Test]
    public void Encode_Default_GivesTheLibrarysIds_WhereTheTextHoldsNoControlPieceText()
    {
        var tok = Tokenizer.Value;
        var plain = Lines.Value.Where(e => !HoldsSpecialText(e.Text)).ToList();
        Assert.That(plain, Has.Count.GreaterThanOrEqualTo(Lines.Value.Count - 3));
        Assert.That(plain.Where(e => !tok.Encode(e.Text).SequenceEqual(e.Ids)).Select(e => e.Text), Is.Empty);
    }

    [Test]
    public void Encode_ControlPieceText_IsTheTokenAsInHuggingFace_WhereTheLibraryReadsCharacters()
    {
        var tok = Tokenizer.Value;
        var line = Lines.Value.Single(e => e.Text == "<s>[INST] Hello [/INST] Hi</s>");
        Assert.That(line.Ids, Does.Not.Contain(1).And.Not.Contain(2), "the library reads <s> and </s> as characters");
        var ids = tok.Encode(line.Text);
        Assert.That(ids[0], Is.EqualTo(1));
        Assert.That(ids[^1], Is.EqualTo(2));
        // between them, the stretch is encoded on its own, with its own "▁" in front (Hugging Face's legacy Llama)
        Assert.That(ids[1..^1], Is.EqualTo(tok.Encode("[INST] Hello [/INST] Hi")));
    }

    [Test]
    public void EncodeAddingSpecialTokens_WithoutTokenizerConfig_PutsBosFirst_AsAddBos()
    {
        var tok = Tokenizer.Value;
        Assert.That((tok.BosId, tok.EosId), Is.EqualTo((1, 2)));
        var differ = Lines.Value.Where(e => !tok.EncodeAddingSpecialTokens(e.Text, allowSpecialTokens: false).SequenceEqual(e.IdsBos));
        Assert.That(differ.Select(e => e.Text), Is.Empty);
        Assert.That(tok.EncodeAddingSpecialTokens(""), Is.EqualTo(new[] { 1 }));
    }

    [Test]
    public void EncodeAddingSpecialTokens_AddEosToken_PutsEosLast_AsAddEos()
    {
        var tok = TokenizerFiles.Load(Unpack("sentencepiece-bpe", """{"add_bos_token": true, "add_eos_token": true}"""));
        var differ = Lines.Value.Where(e => !tok.EncodeAddingSpecialTokens(e.Text, allowSpecialTokens: false).SequenceEqual(e.IdsBosEos));
        Assert.That(differ.Select(e => e.Text), Is.Empty);
    }

    [Test]
    public void EncodeAddingSpecialTokens_AddBosTokenFalse_AddsNothing()
    {
        var tok = TokenizerFiles.Load(Unpack("sentencepiece-bpe", """{"add_bos_token": false}"""));
        foreach (var e in Lines.Value.Take(60))
            Assert.That(tok.EncodeAddingSpecialTokens(e.Text, allowSpecialTokens: false), Is.EqualTo(e.Ids), e.Text);
    }

    [Test]
    public void Encode_Pieces_AreTheLibrarysPieces()
    {
        var tok = Tokenizer.Value;
        foreach (var e in Lines.Value)
        {
            var pieces = tok.Encode(e.Text, allowSpecialTokens: false).Select(id => tok.Model.TokenString(id)).ToArray();
            Assert.That(pieces, Is.EqualTo(e.Pieces), e.Text);
        }
    }

    [Test]
    public void Decode_GivesTheLibrarysDecode_WithSpecialTokensSkipped()
    {
        var tok = Tokenizer.Value;
        foreach (var e in Lines.Value)
        {
            Assert.That(tok.Decode(e.Ids), Is.EqualTo(e.Decode), e.Text);
            // the library decodes control pieces to nothing: Hugging Face's skip_special_tokens
            Assert.That(tok.Decode(e.IdsBosEos, skipSpecialTokens: true), Is.EqualTo(e.DecodeBosEos), e.Text);
        }
    }

    [Test]
    public void Decode_RoundTrips_EveryTextWithoutTheSpaceSymbol()
    {
        var tok = Tokenizer.Value;
        var texts = Lines.Value.Where(e => !e.Text.Contains('\u2581')).ToList();
        Assert.That(texts, Has.Count.GreaterThanOrEqualTo(Lines.Value.Count - 3));
        foreach (var e in texts)
        {
            Assert.That(e.Decode, Is.EqualTo(e.Text), "the library round-trips: " + e.Text);
            Assert.That(tok.Decode(tok.Encode(e.Text, allowSpecialTokens: false)), Is.EqualTo(e.Text));
        }
        // "▁" in the input is SentencePiece's space symbol: it comes back as a space, in both
        Assert.That(tok.Decode(tok.Encode("a\u2581b")), Is.EqualTo("a b"));
    }

    [Test]
    public void Load_Vocabulary_IsTheLibrarysPieces_AndItsControlPiecesAreSpecial()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Source("sentencepiece-bpe"), "pieces.json")));
        var pieces = doc.RootElement.GetProperty("pieces").EnumerateArray().Select(e => e.GetString()!).ToArray();
        var types = doc.RootElement.GetProperty("types").EnumerateObject().ToDictionary(p => int.Parse(p.Name), p => p.Value.GetString()!);
        var tok = Tokenizer.Value;
        Assert.That(tok.VocabSize, Is.EqualTo(pieces.Length).And.EqualTo(2000));
        Assert.That(Enumerable.Range(0, pieces.Length).Select(tok.Model.TokenString), Is.EqualTo(pieces));
        var special = types.Where(t => t.Value is "control" or "unknown").ToDictionary(t => pieces[t.Key], t => t.Key);
        Assert.That(tok.SpecialTokens, Is.EquivalentTo(special));
        Assert.That(types.Count(t => t.Value == "byte"), Is.EqualTo(256));
    }

    [Test]
    public void MistralModel_TheLibraryGivesTheTransformersJsOraclesIds_AndSoDoesRebel()
    {
        // make_model.py's tokenizer.model, read by the real library (sentencepiece.jsonl), against transformers.js on
        // Mistral-7B's tokenizer.json with special-token text as characters, the library's only reading of it
        var oracle = TokenizerFamilyFixture.Lines("mistral").ToDictionary(e => e.Text);
        var library = File.ReadLines(Path.Combine(Source("mistral-sentencepiece"), "sentencepiece.jsonl")).Where(l => l.Length > 0)
            .Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.That(library, Has.Count.EqualTo(oracle.Count).And.Count.GreaterThanOrEqualTo(40));
        var dir = Unpack("mistral-sentencepiece", tokenizerConfig: null);
        var rebel = TokenizerFiles.Load(dir);
        foreach (var r in library)
        {
            var text = r.GetProperty("text").GetString()!;
            var ids = r.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            Assert.That(r.GetProperty("equals_oracle_ids_plain").GetBoolean(), Is.True, text);
            Assert.That(ids, Is.EqualTo(oracle[text].IdsPlain), text);
            Assert.That(rebel.Encode(text, allowSpecialTokens: false), Is.EqualTo(ids), text);
            Assert.That(rebel.Decode(ids), Is.EqualTo(r.GetProperty("decode").GetString()), text);
        }
    }

    [Test]
    public void Load_RealUnigramModel_IsRefusedNamingTheFileAndField()
    {
        var dir = Unpack("sentencepiece-unigram", tokenizerConfig: null);
        var e = Assert.Throws<DataFormatException>(() => TokenizerFiles.Load(dir))!;
        Assert.That(e.Message, Is.EqualTo(
            Path.Combine(dir, TokenizerFiles.TokenizerModel) + ":0: trainer_spec.model_type 1 is not supported (only BPE, 2)"));
    }
}
