using Rebel.Models.Tokenization;

namespace Rebel.Models.Tests.Tokenization;

public class TokenTableTests
{
    [Test]
    public void Constructor_SparseIds_LeavesGapsWithoutTokens()
    {
        var table = new TokenTable(new Dictionary<string, int> { ["a"] = 0, ["é"] = 3 }, (token, _) => System.Text.Encoding.UTF8.GetByteCount(token));
        Assert.That(table.Size, Is.EqualTo(4));
        Assert.That(Enumerable.Range(-1, 6).Select(table.TokenString), Is.EqualTo(new string?[] { null, "a", null, null, "é", null }));
        Assert.That(Enumerable.Range(-1, 6).Select(table.CoveredByteCount), Is.EqualTo(new[] { 0, 1, 0, 0, 2, 0 }));
        Assert.That(table.Lookup.TryGetValue("xé".AsSpan(1), out int id) ? id : -1, Is.EqualTo(3));
    }

    [Test]
    public void Constructor_TwoTokensShareAnId_IsRefusedNamingBoth()
    {
        var e = Assert.Throws<ArgumentException>(() => new TokenTable(new Dictionary<string, int> { ["a"] = 0, ["b"] = 0 }, (_, _) => 1))!;
        Assert.That(e.Message, Does.StartWith("vocabulary tokens \"a\" and \"b\" share id 0."));
        Assert.That(e.ParamName, Is.EqualTo("vocab"));
    }

    [Test]
    public void BothBpeModels_RefuseASharedId_WithTheSameMessage()
    {
        var vocab = Enumerable.Range(0, 256).ToDictionary(b => ByteLevelAlphabet.ByteToChar[b].ToString(), b => b);
        vocab["ab"] = 0;
        var byteLevel = Assert.Throws<ArgumentException>(() => new ByteLevelBpeModel(vocab, [], new ByteLevelBpeModel.ByteLevelOptions(null, false, false, false, false)))!;
        var sentencePiece = Assert.Throws<ArgumentException>(() => new SentencePieceBpeModel(vocab, [], null,
            new SentencePieceBpeModel.SentencePieceOptions(true, false, false, false, false, false, [])))!;
        Assert.That(byteLevel.Message, Does.Contain("share id 0."));
        Assert.That(sentencePiece.Message, Is.EqualTo(byteLevel.Message));
    }
}
