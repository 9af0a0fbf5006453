using Rebel.Models.Tokenization;

namespace Rebel.Models.Tests.Tokenization;

public class BpeTrainerTests
{
    private static readonly string[] Corpus =
    [
        "the cat sat on the mat. the dog sat on the log.",
        "a cat and a dog played in the garden while the sun was shining.",
        "the garden was green and the sun was warm; the cat slept.",
        "dogs and cats, cats and dogs: the oldest rivalry in the garden.",
        "Numbers like 2024 and 3.14 appear too, with emoji 🐈 and café.<|endoftext|>",
        "the end of the story: the cat and the dog sat together in the sun.",
    ];

    private static HuggingFaceTokenizer TrainSmall(int vocabSize = 1000) =>
        BpeTrainer.Train(Corpus, new BpeTrainerOptions { VocabSize = vocabSize });

    private static BpeVocabulary TrainSmallVocabulary(int vocabSize = 1000) =>
        BpeTrainer.TrainVocabulary(Corpus, new BpeTrainerOptions { VocabSize = vocabSize });

    [Test]
    public void Train_VocabularyHasRequestedSize_BytesThenMergesThenSpecials()
    {
        var tokenizer = TrainSmall(280);
        Assert.Multiple(() =>
        {
            Assert.That(tokenizer.VocabSize, Is.EqualTo(280));
            Assert.That(TrainSmallVocabulary(280).Merges, Has.Count.EqualTo(280 - 256 - 1));
            Assert.That(TrainSmallVocabulary(280).Vocabulary["Ġ"], Is.EqualTo(0x20));
            Assert.That(tokenizer.EosId, Is.EqualTo(279));
            Assert.That(tokenizer.SpecialTokens["<|endoftext|>"], Is.EqualTo(279));
        });
    }

    [Test]
    public void Train_FrequentWords_BecomeSingleTokens()
    {
        var tokenizer = TrainSmall();
        foreach (var word in new[] { " the", " cat", " garden", " sat" })
            Assert.That(tokenizer.Encode(word), Has.Length.EqualTo(1), word);
        Assert.That(tokenizer.Encode(" zebra"), Has.Length.GreaterThan(1));
    }

    [TestCase("the cat sat in the garden.")]
    [TestCase("unseen words: quixotic xylophones ǅ 🦀 日本語\n\n  spaced")]
    [TestCase("specials <|endoftext|> inside")]
    public void Train_ThenEncodeDecode_RoundTrips(string text)
    {
        var tokenizer = TrainSmall();
        Assert.That(tokenizer.Decode(tokenizer.Encode(text)), Is.EqualTo(text));
    }

    [Test]
    public void Train_Twice_GivesIdenticalMerges()
    {
        Assert.That(TrainSmallVocabulary().Merges, Is.EqualTo(TrainSmallVocabulary().Merges));
    }

    [Test]
    public void Train_SpecialTokenInCorpus_IsNotLearnedFrom()
    {
        var tokenizer = BpeTrainer.TrainVocabulary(Enumerable.Repeat("<|endoftext|>", 50), new BpeTrainerOptions { VocabSize = 300 });
        Assert.That(tokenizer.Merges, Is.Empty);
        Assert.That(tokenizer.ToTokenizer().VocabSize, Is.EqualTo(257));
    }

    [Test]
    public void Train_TooFewFrequentPairs_StopsEarly()
    {
        var tokenizer = BpeTrainer.TrainVocabulary(["ab ab"], new BpeTrainerOptions { VocabSize = 1000, MinFrequency = 2 });
        Assert.That(tokenizer.Merges.Select(m => m.ToString()), Is.EqualTo(new[] { "a b" }));
    }

    [Test]
    public void Train_SaveThenLoad_GivesSameIds()
    {
        var tokenizer = TrainSmall();
        using var dir = new TempDirectory();
        tokenizer.Save(dir.Path);
        var loaded = TokenizerFiles.Load(dir.Path);
        const string text = "the cat and the dog <|endoftext|> in the sun";
        Assert.That(loaded.Encode(text), Is.EqualTo(tokenizer.Encode(text)));
        Assert.That(loaded.EosId, Is.EqualTo(tokenizer.EosId));
    }

    [TestCase(256, "VocabSize")]
    [TestCase(400, "MinFrequency")]
    public void Train_InvalidOptions_Throws(int vocabSize, string setting)
    {
        var options = new BpeTrainerOptions { VocabSize = vocabSize, MinFrequency = setting == "MinFrequency" ? 0 : 2 };
        var e = Assert.Throws<ArgumentException>(() => BpeTrainer.Train(Corpus, options));
        Assert.That(e!.ParamName, Is.EqualTo(setting));
    }

    [Test]
    public void Train_EosNotSpecial_Throws()
    {
        var options = new BpeTrainerOptions { VocabSize = 300, SpecialTokens = ["<pad>"], EosToken = "<eos>" };
        Assert.Throws<ArgumentException>(() => BpeTrainer.Train(Corpus, options));
    }
}
