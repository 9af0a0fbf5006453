using Rebel.Models.Data;
using Rebel.Models.Tokenization;

namespace Rebel.Models.Tests.Tokenization;

/// <summary>Parity with GPT-2: ids from the npm package gpt-3-encoder (tools/gpt2-reference) on a varied corpus.</summary>
public class Gpt2ReferenceTests
{
    private static List<(int Line, string Text, int[] Ids)> Reference()
    {
        var path = Path.Combine(Gpt2Fixture.Directory, "reference.jsonl");
        return JsonLines.Read(path)
            .Select(r => (r.Line, r.RequireString(path, "text"),
                r.Value.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray()))
            .ToList();
    }

    [Test]
    public void Encode_HelloWorld_IsGpt2Ids()
    {
        Assert.That(Gpt2Fixture.Tokenizer.Encode("Hello world"), Is.EqualTo(new[] { 15496, 995 }));
    }

    [Test]
    public void Encode_ReferenceCorpus_MatchesGpt3EncoderOnEveryLine()
    {
        var reference = Reference();
        Assert.That(reference, Has.Count.GreaterThanOrEqualTo(200));
        var mismatches = new List<string>();
        foreach (var (line, text, expected) in reference)
        {
            var actual = Gpt2Fixture.Tokenizer.Encode(text, allowSpecialTokens: false);
            if (!actual.SequenceEqual(expected))
                mismatches.Add($"line {line} {text}: expected [{string.Join(",", expected)}], got [{string.Join(",", actual)}]");
        }
        Assert.That(mismatches, Is.Empty);
    }

    [Test]
    public void Decode_ReferenceIds_GivesTheTextBack()
    {
        foreach (var (line, text, ids) in Reference())
            Assert.That(Gpt2Fixture.Tokenizer.Decode(ids), Is.EqualTo(text), $"reference line {line}");
    }

    [Test]
    public void Load_Gpt2Files_HasGpt2Sizes()
    {
        var tokenizer = Gpt2Fixture.Tokenizer;
        Assert.Multiple(() =>
        {
            Assert.That(tokenizer.VocabSize, Is.EqualTo(50257));
            Assert.That(tokenizer.EosId, Is.EqualTo(50256));
            Assert.That(tokenizer.SpecialTokens, Is.EquivalentTo(new Dictionary<string, int> { ["<|endoftext|>"] = 50256 }));
        });
    }

    [Test]
    public void Load_Gpt2Directory_FindsEncoderJsonAndVocabBpe()
    {
        var fromDirectory = TokenizerFiles.Load(Gpt2Fixture.Directory);
        Assert.That(fromDirectory.Encode("The quick brown fox"), Is.EqualTo(Gpt2Fixture.Tokenizer.Encode("The quick brown fox")));
    }
}
