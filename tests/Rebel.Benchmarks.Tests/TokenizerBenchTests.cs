using System.CommandLine;
using System.Globalization;
using Rebel.Models.Tokenization;
using static Rebel.Benchmarks.Tests.BenchRunner;

namespace Rebel.Benchmarks.Tests;

public class TokenizerBenchTests
{
    private string _dir = null!;

    [OneTimeSetUp]
    public void TrainTinyTokenizerAndText()
    {
        _dir = Path.Combine(Path.GetTempPath(), "rebel-cli-tokbench-" + Guid.NewGuid().ToString("N"));
        var corpus = Enumerable.Repeat("a small text about a small tokenizer, repeated for a small benchmark.", 20).ToList();
        BpeTrainer.Train(corpus, new BpeTrainerOptions { VocabSize = 300 }).Save(Path.Combine(_dir, "tok"));
        File.WriteAllLines(Path.Combine(_dir, "input.txt"), corpus);
    }

    [OneTimeTearDown]
    public void Delete() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void BenchTokenizer_TinyRun_PrintsPositiveThroughputs()
    {
        var (code, output, error) = Run("tokenizer", "--tokenizer", Path.Combine(_dir, "tok"),
            "--input", Path.Combine(_dir, "input.txt"), "--reps", "1");
        Assert.That(code, Is.EqualTo(0), error);
        foreach (var row in new[] { "encode, cold cache", "encode, warm cache", "decode", "hand-written encode, cold cache", "hand-written encode, warm cache" })
        {
            var line = output.Split('\n').Single(l => l.StartsWith($"| {row} |"));
            double mbPerSecond = double.Parse(line.Split('|')[2], CultureInfo.InvariantCulture);
            Assert.That(mbPerSecond, Is.GreaterThan(0), line);
        }
    }

    [Test]
    public void BenchTokenizer_ZeroReps_FailsWithMessage()
    {
        var (code, _, error) = Run("tokenizer", "--tokenizer", Path.Combine(_dir, "tok"),
            "--input", Path.Combine(_dir, "input.txt"), "--reps", "0");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain("--reps"));
    }
}
