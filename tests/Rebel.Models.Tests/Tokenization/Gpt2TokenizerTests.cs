using System.Text;
using Rebel.Models.Tokenization;

namespace Rebel.Models.Tests.Tokenization;

public class Gpt2TokenizerTests
{
    private static HuggingFaceTokenizer Gpt2 => Gpt2Fixture.Tokenizer;

    private static HuggingFaceTokenizer Make(
        Dictionary<string, int> vocab, List<BpeMerge> merges, Dictionary<string, int>? specials = null,
        string? eosToken = null, bool addPrefixSpace = false) =>
        new BpeVocabulary(vocab, merges, specials ?? new Dictionary<string, int>(), eosToken, addPrefixSpace).ToTokenizer();

    [Test]
    public void Encode_EndOfText_IsOneSpecialId()
    {
        Assert.That(Gpt2.Encode("a<|endoftext|>b"), Is.EqualTo(new[] { 64, 50256, 65 }));
        Assert.That(Gpt2.Encode("<|endoftext|><|endoftext|>"), Is.EqualTo(new[] { 50256, 50256 }));
    }

    [Test]
    public void Encode_SpecialTokensDisabled_EncodesTheCharacters()
    {
        var ids = Gpt2.Encode("<|endoftext|>", allowSpecialTokens: false);
        Assert.That(ids, Has.Length.GreaterThan(1).And.No.Member(50256));
        Assert.That(Gpt2.Decode(ids), Is.EqualTo("<|endoftext|>"));
    }

    [Test]
    public void Encode_TextAroundSpecial_EncodedAsItsOwnSegments()
    {
        var ids = Gpt2.Encode("Hello world<|endoftext|> Hello world");
        Assert.That(ids, Is.EqualTo(new[] { 15496, 995, 50256, 18435, 995 }));
    }

    [TestCase("")]
    [TestCase("plain English text")]
    [TestCase("emoji 👨‍👩‍👧‍👦 🇯🇵 👍🏽")]
    [TestCase("中文 日本語 한국어")]
    [TestCase("combining e\u0301 a\u0308 and zalgo t\u0337\u0315")]
    [TestCase("   runs\t\t\tof\n\n\n\nwhitespace \r\n  ")]
    [TestCase("عربي עברית mixed")]
    [TestCase("\u0000\u0001 control \u007f chars")]
    public void Decode_Encode_RoundTrips(string text)
    {
        Assert.That(Gpt2.Decode(Gpt2.Encode(text)), Is.EqualTo(text));
    }

    [Test]
    public void Encode_LoneSurrogate_DecodesAsReplacementCharacter()
    {
        var ids = Gpt2.Encode("a\ud83dz");
        Assert.That(Gpt2.Decode(ids), Is.EqualTo("a\ufffdz"));
    }

    [Test]
    public void Decode_SplitMultibyteCharacter_GivesReplacementCharacters()
    {
        // "€" is three bytes; decoding only its first byte's token cannot give a character.
        int firstByteToken = VocabMergesFormat.ReadVocab(Path.Combine(Gpt2Fixture.Directory, "encoder.json"))[ByteLevelAlphabet.ByteToChar[0xE2].ToString()];
        Assert.That(Gpt2.Decode([firstByteToken]), Is.EqualTo("\ufffd"));
    }

    [Test]
    public void Decode_SkipSpecialTokens_DropsThem()
    {
        Assert.That(Gpt2.Decode([15496, 50256, 995], skipSpecialTokens: true), Is.EqualTo("Hello world"));
        Assert.That(Gpt2.Decode([15496, 50256, 995]), Is.EqualTo("Hello<|endoftext|> world"));
    }

    [TestCase(-1)]
    [TestCase(50257)]
    public void Decode_IdOutsideVocabulary_Throws(int id)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Gpt2.Decode([15496, id]));
        Assert.That(e!.Message, Does.Contain(id.ToString()));
    }

    [Test]
    public void Encode_Repeated_GivesSameIdsFromCache()
    {
        const string text = "Caching must not change the answer; caching must not change the answer.";
        var first = Gpt2.Encode(text);
        Assert.That(Gpt2.Encode(text), Is.EqualTo(first));
    }

    [Test]
    public void Encode_PieceLongerThanCacheLimit_RoundTripsAndRepeats()
    {
        var word = string.Concat(Enumerable.Repeat("abcdefgh", 100));   // longer than the cached-piece limit
        Assert.That(Gpt2.Decode(Gpt2.Encode(word)), Is.EqualTo(word));
        Assert.That(Gpt2.Encode(word), Is.EqualTo(Gpt2.Encode(word)));
    }

    [Test]
    public void Encode_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => Gpt2.Encode(null!));
    }

    private static Dictionary<string, int> ByteVocab()
    {
        var vocab = new Dictionary<string, int>();
        for (int b = 0; b < 256; b++) vocab[ByteLevelAlphabet.ByteToChar[b].ToString()] = b;
        return vocab;
    }

    [Test]
    public void Constructor_BytesOnly_EncodesOneIdPerByte()
    {
        var tokenizer = Make(ByteVocab(), []);
        var text = "héllo";
        Assert.That(tokenizer.Encode(text), Is.EqualTo(Encoding.UTF8.GetBytes(text).Select(b => (int)b)));
        Assert.That(tokenizer.VocabSize, Is.EqualTo(256));
        Assert.That(tokenizer.EosId, Is.Null);
    }

    [Test]
    public void Constructor_AddPrefixSpace_EncodesAsIfSpaced()
    {
        var vocab = ByteVocab();
        vocab["Ġa"] = 256;
        var tokenizer = Make(vocab, [new BpeMerge("Ġ", "a")], addPrefixSpace: true);
        Assert.That(tokenizer.Encode("a"), Is.EqualTo(new[] { 256 }));
        Assert.That(tokenizer.Encode(" a"), Is.EqualTo(new[] { 256 }));
    }

    [Test]
    public void Constructor_MissingByteToken_Throws()
    {
        var vocab = ByteVocab();
        vocab.Remove("Ġ");
        var e = Assert.Throws<ArgumentException>(() => Make(vocab, []));
        Assert.That(e!.Message, Does.Contain("0x20"));
    }

    [Test]
    public void Constructor_MergeResultNotInVocabulary_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => Make(ByteVocab(), [new BpeMerge("a", "b")]));
        Assert.That(e!.Message, Does.Contain("\"ab\""));
    }

    [Test]
    public void Constructor_NonByteLevelToken_Throws()
    {
        var vocab = ByteVocab();
        vocab["has space"] = 256;
        var e = Assert.Throws<ArgumentException>(() => Make(vocab, []));
        Assert.That(e!.Message, Does.Contain("has space"));
    }

    [Test]
    public void Constructor_SpecialIdDisagreesWithVocabulary_Throws()
    {
        var vocab = ByteVocab();
        vocab["<|endoftext|>"] = 256;
        var specials = new Dictionary<string, int> { ["<|endoftext|>"] = 300 };
        Assert.Throws<ArgumentException>(() => Make(vocab, [], specials));
    }

    [Test]
    public void Constructor_EosNotSpecial_Throws()
    {
        Assert.Throws<ArgumentException>(() => Make(ByteVocab(), [], eosToken: "<|endoftext|>"));
    }

    [Test]
    public void Encode_OverlappingSpecials_LongestWins()
    {
        var specials = new Dictionary<string, int> { ["<a>"] = 256, ["<a><b>"] = 257 };
        var tokenizer = Make(ByteVocab(), [], specials);
        Assert.That(tokenizer.Encode("x<a><b><a>"), Is.EqualTo(new[] { 'x', 257, 256 }));
        Assert.That(tokenizer.VocabSize, Is.EqualTo(258));
    }
}
