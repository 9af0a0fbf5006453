using System.Text.Json;
using Rebel.Models.Tokenization;

namespace Rebel.Models.Tests.Tokenization;

/// <summary>
/// The shipped task's numbers must not change when its encoder moved to Microsoft.ML.Tokenizers: the tokenizer
/// `rebel train` learns from data/default (vocabulary 512, as data/default.json sets) gives, through the runtime, the
/// ids the former hand-written encoder gives, on every text of the task's data.
/// </summary>
public sealed class DefaultTaskTokenizerTests
{
    private static string DataDirectory()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "data", "default");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("data/default not found above the test binaries");
    }

    private static IEnumerable<string> Texts(string file) => File.ReadLines(file).Where(l => l.Length > 0).SelectMany(line =>
    {
        using var doc = JsonDocument.Parse(line);
        return doc.RootElement.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String).Select(p => p.Value.GetString()!).ToList();
    });

    [Test]
    public void DefaultTask_RuntimeIds_EqualTheHandWrittenEncoder()
    {
        var data = DataDirectory();
        var sft = Path.Combine(data, "sft.jsonl");
        var vocabulary = BpeTrainer.TrainVocabulary(Rebel.Models.Training.SftData.Texts(sft, renderer: null), new BpeTrainerOptions { VocabSize = 512 });
        var runtime = vocabulary.ToTokenizer();
        var baseline = new Gpt2BaselineEncoder(vocabulary.Vocabulary, vocabulary.Merges, vocabulary.SpecialTokens);
        int checkedTexts = 0;
        foreach (var file in new[] { "sft.jsonl", "prompts.jsonl", "eval_prompts.jsonl", "preferences.jsonl" })
        {
            foreach (var text in Texts(Path.Combine(data, file)))
            {
                if (!runtime.Encode(text).SequenceEqual(baseline.Encode(text))) Assert.Fail($"{file}: ids differ for \"{text}\"");
                checkedTexts++;
            }
        }
        Assert.That(checkedTexts, Is.GreaterThan(10_000));
        // 512 asked; the trainer stops when no pair is frequent enough, as before: the embedding size follows the ids.
        Assert.That(runtime.VocabSize, Is.EqualTo(vocabulary.Vocabulary.Values.Concat(vocabulary.SpecialTokens.Values).Max() + 1));
    }
}
