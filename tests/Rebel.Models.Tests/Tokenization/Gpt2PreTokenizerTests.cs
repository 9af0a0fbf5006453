using Rebel.Models.Tokenization;

namespace Rebel.Models.Tests.Tokenization;

public class Gpt2PreTokenizerTests
{
    private static IEnumerable<TestCaseData> Cases()
    {
        yield return new TestCaseData("Hello world", new[] { "Hello", " world" }).SetName("Split_WordAndSpacedWord");
        yield return new TestCaseData("a   b", new[] { "a", "  ", " b" }).SetName("Split_SpaceRun_LeavesLastSpaceToNextWord");
        yield return new TestCaseData("a\n\nb", new[] { "a", "\n", "\n", "b" }).SetName("Split_NewlineRun_LastNewlineAlone");
        yield return new TestCaseData("a \n b", new[] { "a", " \n", " b" }).SetName("Split_MixedRun_BeforeSpacedWord");
        yield return new TestCaseData("end   ", new[] { "end", "   " }).SetName("Split_TrailingSpaces_OnePiece");
        yield return new TestCaseData("\tx", new[] { "\t", "x" }).SetName("Split_SingleTabBeforeWord_Alone");
        yield return new TestCaseData("I'm don't they'll", new[] { "I", "'m", " don", "'t", " they", "'ll" })
            .SetName("Split_Contractions");
        yield return new TestCaseData("IT'S", new[] { "IT", "'", "S" }).SetName("Split_UppercaseContraction_NotSpecial");
        yield return new TestCaseData("?'s", new[] { "?'", "s" }).SetName("Split_ApostropheInsidePunctuationRun");
        yield return new TestCaseData("abc123 456!!", new[] { "abc", "123", " 456", "!!" }).SetName("Split_LettersNumbersOther");
        yield return new TestCaseData("e\u0301t\u00e9", new[] { "e", "\u0301", "t\u00e9" }).SetName("Split_CombiningMarkIsOther");
        yield return new TestCaseData(" 𝐀𝐁 𠀀", new[] { " 𝐀𝐁", " 𠀀" }).SetName("Split_AstralLettersAreLetters");
        yield return new TestCaseData("hi 😀😀", new[] { "hi", " 😀😀" }).SetName("Split_EmojiAreOther");
        yield return new TestCaseData("a\u00a0b", new[] { "a", "\u00a0", "b" }).SetName("Split_NoBreakSpaceIsWhitespace");
        yield return new TestCaseData(" ", new[] { " " }).SetName("Split_LoneSpace");
    }

    [TestCaseSource(nameof(Cases))]
    public void Split_MatchesGpt2Regex(string text, string[] expected)
    {
        Assert.That(Gpt2PreTokenizer.Split(text), Is.EqualTo(expected));
    }

    [Test]
    public void Split_LoneSurrogate_IsOtherAndKeepsAllCharacters()
    {
        var text = "a\ud800b!";
        var pieces = Gpt2PreTokenizer.Split(text);
        Assert.That(pieces, Is.EqualTo(new[] { "a", "\ud800", "b", "!" }));
    }

    [Test]
    public void Split_Concatenation_GivesTextBack()
    {
        const string text = "  Mixed\t\ttext, 42 numbers;\r\n  and   ünïcödé 日本語 🎉!!  ";
        Assert.That(string.Concat(Gpt2PreTokenizer.Split(text)), Is.EqualTo(text));
    }
}
