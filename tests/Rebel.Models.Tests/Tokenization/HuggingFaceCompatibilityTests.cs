using Rebel.Models.Data;
using Rebel.Models.Tokenization;

namespace Rebel.Models.Tests.Tokenization;

/// <summary>
/// A tokenizer our trainer made and saved (fixtures/bpe-trained) loads in Hugging Face's JavaScript tokenizer with
/// the same ids (tools/hf-tokenizer-check), and retraining reproduces those files byte for byte.
/// </summary>
public class HuggingFaceCompatibilityTests
{
    private static string Trained => Path.Combine(TestContext.CurrentContext.TestDirectory, "fixtures", "bpe-trained");

    private static IEnumerable<(int Line, string Text, int[] Ids)> Read(string path) =>
        JsonLines.Read(path).Select(r => (r.Line, r.RequireString(path, "text"),
            r.Value.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray()));

    [Test]
    public void Encode_SavedTrainedTokenizer_MatchesHuggingFaceTokenizersJs()
    {
        var tokenizer = TokenizerFiles.Load(Trained);
        var reference = Read(Path.Combine(Trained, "hf-reference.jsonl")).ToList();
        Assert.That(reference, Has.Count.GreaterThanOrEqualTo(200));
        Assert.That(reference.Count(r => r.Text.EndsWith("<|endoftext|>")), Is.GreaterThan(0));
        foreach (var (line, text, ids) in reference)
            Assert.That(tokenizer.Encode(text), Is.EqualTo(ids), $"hf-reference.jsonl line {line}: {text}");
    }

    [Test]
    public void Train_SameCorpusAndOptions_ReproducesCommittedFiles()
    {
        var corpusPath = Path.Combine(Gpt2Fixture.Directory, "reference.jsonl");
        var texts = Read(corpusPath).Select(r => r.Text);
        var tokenizer = BpeTrainer.Train(texts, new BpeTrainerOptions { VocabSize = 600 });
        using var dir = new TempDirectory();
        tokenizer.Save(dir.Path);
        foreach (var name in new[] { "vocab.json", "merges.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json" })
            Assert.That(File.ReadAllBytes(dir.File(name)), Is.EqualTo(File.ReadAllBytes(Path.Combine(Trained, name))), name);
    }
}
