using Rebel.Models.Tokenization;

namespace Rebel.Models.Tests.Tokenization;

/// <summary>
/// The documented differences between Rebel and the transformers.js oracle (docs/tokenizer.md, "Known differences"),
/// each pinned by a test so it cannot grow silently.
/// </summary>
public sealed class KnownDifferences
{
    /// <summary>SmolLM2's Digits: Hugging Face isolates every numeric character (Rust is_numeric: Ⅻ too); transformers.js only ASCII digits.</summary>
    private const string RomanNumeral = "ﬁ ligature, Ⅻ numeral, ｆｕｌｌｗｉｄｔｈ";

    internal static bool Applies(string family, string text) =>
        family == "smollm2-style" && text == RomanNumeral;

    [Test]
    public void SmolLm2Style_NonAsciiNumerals_AreIsolatedAsHuggingFaceDoes()
    {
        var smol = TokenizerFamilyFixture.Tokenizer("smollm2-style");
        var gpt2 = TokenizerFamilyFixture.Tokenizer("gpt2");
        var oracle = TokenizerFamilyFixture.Lines("smollm2-style").Single(e => e.Text == RomanNumeral);
        var ids = smol.Encode(RomanNumeral);
        Assert.That(ids, Is.Not.EqualTo(oracle.IdsNoAdd));
        // Ⅻ (U+216B, a letter number) is its own piece: the rest encodes as GPT-2 encodes the pieces around it.
        int at = RomanNumeral.IndexOf('Ⅻ');
        int[] expected = [.. gpt2.Encode(RomanNumeral[..at]), .. gpt2.Encode("Ⅻ"), .. gpt2.Encode(RomanNumeral[(at + 1)..])];
        Assert.That(ids, Is.EqualTo(expected));
    }
}
