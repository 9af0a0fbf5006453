using Rebel.Models.Tokenization;

namespace Rebel.Models.Tests.Tokenization;

/// <summary>GPT-2's real tokenizer from the committed fixture files, loaded once for all tests.</summary>
internal static class Gpt2Fixture
{
    public static string Directory => Path.Combine(TestContext.CurrentContext.TestDirectory, "fixtures", "gpt2");

    private static readonly Lazy<HuggingFaceTokenizer> Loaded = new(() =>
        TokenizerFiles.LoadVocabAndMerges(Path.Combine(Directory, "encoder.json"), Path.Combine(Directory, "vocab.bpe")));

    public static HuggingFaceTokenizer Tokenizer => Loaded.Value;
}
