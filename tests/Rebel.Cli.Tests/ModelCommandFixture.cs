using System.CommandLine;
using Rebel.Models.Gpt2;
using Rebel.Models.Tokenization;

namespace Rebel.Cli.Tests;

/// <summary>A tiny random GPT-2 with a trained BPE tokenizer, saved once for the generate/logprobs/sft command tests.</summary>
internal static class ModelCommandFixture
{
    public static readonly string[] Corpus =
    [
        "the cat sat on the mat.", "a dog ran in the park.", "the sun is warm today.", "we like to read good books.",
        "my friend plays the piano.", "rain falls on the green hills.", "the bird sings in the morning.", "she drinks hot tea.",
    ];

    private static readonly Lazy<string> Saved = new(() =>
    {
        var dir = Path.Combine(Path.GetTempPath(), "rebel-cli-gpt2-" + Guid.NewGuid().ToString("N"));
        var tokenizer = BpeTrainer.Train(Corpus, new BpeTrainerOptions { VocabSize = 300 });
        var config = new Gpt2Config(tokenizer.VocabSize, 64, 32, 2, 2, BosTokenId: tokenizer.EosId, EosTokenId: tokenizer.EosId);
        Gpt2Checkpoint.Save(dir, new Gpt2Model(config, seed: 1), tokenizer);
        return dir;
    });

    /// <summary>The saved model directory (config.json, model.safetensors, tokenizer files).</summary>
    public static string ModelDirectory => Saved.Value;

    /// <summary>A fresh scratch directory.</summary>
    public static string Scratch()
    {
        var dir = Path.Combine(Path.GetTempPath(), "rebel-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Runs <c>rebel ARGS</c> in process.</summary>
    public static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Program.BuildRoot().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>The repository's <c>tests/Rebel.Models.Tests/fixtures</c> folder, found by walking up from the test binaries.</summary>
    public static string ModelsFixtures()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "Rebel.Models.Tests", "fixtures");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("tests/Rebel.Models.Tests/fixtures not found above the test directory");
    }
}
