using Rebel.Models.Tokenization;

namespace Rebel.Models.Tests.Tokenization.Normalization;

/// <summary>
/// Qwen's NFC normalizer end to end: decomposed text encodes as Hugging Face's tokenizers encode it (the
/// transformers.js oracle composes it too), and the offsets of a composed character cover its whole decomposition.
/// </summary>
public sealed class NfcOffsetsTests
{
    private const string Decomposed = "cafe\u0301 vs caf\u00E9, nai\u0308ve vs na\u00EFve";

    [Test]
    public void Qwen_DecomposedAccents_AreComposedBeforeEncoding()
    {
        var qwen = TokenizerFamilyFixture.Tokenizer("qwen3");
        var oracle = TokenizerFamilyFixture.Lines("qwen3").Single(e => e.Text == Decomposed);
        Assert.That(qwen.Encode(Decomposed), Is.EqualTo(oracle.IdsNoAdd));
        Assert.That(qwen.Encode("cafe\u0301"), Is.EqualTo(qwen.Encode("caf\u00E9")));
        Assert.That(qwen.Decode(qwen.Encode(Decomposed)), Is.EqualTo("caf\u00E9 vs caf\u00E9, na\u00EFve vs na\u00EFve"));
    }

    [Test]
    public void Nfc_ComposedCharacter_SpansItsDecomposition()
    {
        // c a f e U+0301 space 😀(pair) space o U+0308 !
        var normalized = NormalizedText.Nfc("cafe\u0301 \U0001F600 o\u0308!");
        Assert.That(normalized.Text, Is.EqualTo("caf\u00E9 \U0001F600 \u00F6!"));
        Assert.That(normalized.OriginalStart, Is.EqualTo(new[] { 0, 1, 2, 3, 5, 6, 6, 8, 9, 11 }));
        Assert.That(normalized.OriginalEnd, Is.EqualTo(new[] { 1, 2, 3, 5, 6, 8, 8, 9, 11, 12 }));
    }

    [Test]
    public void Nfc_NormalizedText_IsIdentity()
    {
        var normalized = NormalizedText.Nfc("caf\u00E9 \U0001F600");
        Assert.That(normalized.OriginalStart, Is.EqualTo(new[] { 0, 1, 2, 3, 4, 5, 5 }));
        Assert.That(normalized.OriginalEnd, Is.EqualTo(new[] { 1, 2, 3, 4, 5, 7, 7 }));
    }

    [Test]
    public void Qwen_EncodeWithOffsets_TokenWithComposedCharacterCoversTheDecomposedText()
    {
        var qwen = TokenizerFamilyFixture.Tokenizer("qwen3");
        var spans = qwen.EncodeWithOffsets("cafe\u0301 ok");
        Assert.That(spans.Select(s => s.Id), Is.EqualTo(qwen.Encode("caf\u00E9 ok")));
        var word = spans.Where(s => s.Start < 5).ToList();
        Assert.That(word[0].Start, Is.EqualTo(0));
        Assert.That(word.Last().End, Is.EqualTo(5), "the token holding é ends after U+0301");
        Assert.That(word.All(s => s.End <= 5), Is.True, "no token of the word reaches past it");
        Assert.That(spans.Last().End, Is.EqualTo("cafe\u0301 ok".Length));
    }
}
