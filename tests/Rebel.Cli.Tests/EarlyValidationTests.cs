using System.Text.Json;
using Rebel.SelfPlay.Pipeline;
using static Rebel.Cli.Tests.ModelCommandFixture;

namespace Rebel.Cli.Tests;

/// <summary>Bad input and unwritable outputs are refused before any work, each with one clear line and no .NET internals.</summary>
public class EarlyValidationTests
{
    private static string Pairs(string dir)
    {
        var path = Path.Combine(dir, "pairs.jsonl");
        File.WriteAllText(path, """{"prompt": "p", "a": "one two", "b": "one"}""" + "\n");
        return path;
    }

    [Test]
    public void Train_BadJudgeSpec_FailsBeforeTheSftReference()
    {
        var dir = Scratch();
        File.WriteAllLines(Path.Combine(dir, "sft.jsonl"), Corpus.Select(c => JsonSerializer.Serialize(new { prompt = c[..8], completion = c[8..] })));
        File.WriteAllLines(Path.Combine(dir, "prompts.jsonl"), Corpus.Select(c => JsonSerializer.Serialize(new { prompt = c[..8] })));
        var config = Path.Combine(dir, "train.json");
        File.WriteAllText(config, JsonSerializer.Serialize(new
        {
            reference = new { sft_data = "sft.jsonl", steps = 50 }, prompts = "prompts.jsonl", judge = "vote(length,nonsense)", run_dir = "run",
        }));
        var (code, _, error) = Run("train", "--config", config);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("\"nonsense\" is not a judge name"));
        Assert.That(Directory.Exists(Path.Combine(dir, "run", "reference")), Is.False, "no SFT ran");
    }

    [Test]
    public void Train_ConfigErrors_AreInTheUsersTerms()
    {
        var dir = Scratch();
        File.WriteAllText(Path.Combine(dir, "gemm.json"), "{\"model\": \"m\", \"prompts\": \"p\", \"judge\": \"length\", \"gemm\": \"gpu\"}");
        var (code, _, error) = Run("train", "--config", Path.Combine(dir, "gemm.json"));
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("\"gemm\"").And.Contain("one of auto, managed, blas").And.Not.Contain("Rebel.Tensors"));

        File.WriteAllText(Path.Combine(dir, "typo.json"), "{\"model\": \"m\", \"prompts\": \"p\", \"judge\": \"length\", \"rebel\": {\"itrations\": 3}}");
        (code, _, error) = Run("train", "--config", Path.Combine(dir, "typo.json"));
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("unknown key \"itrations\"").And.Not.Contain(".NET member"));
    }

    [Test]
    public void ErrorText_DropsParameterSuffixes_AndRedactsUrlCredentials()
    {
        var e = new ArgumentOutOfRangeException("TopP", 0.0, "must be in (0, 1]");
        Assert.That(ErrorText.Of(e), Is.EqualTo("top_p: must be in (0, 1] (got 0)"));
        Assert.That(ErrorText.Of(new ArgumentException("the width x is odd", "x")), Is.EqualTo("the width x is odd"));
        Assert.That(ErrorText.Of(new InvalidOperationException("failed at http://bob:pw@host:1/v1")), Is.EqualTo("failed at http://***@host:1/v1"));
        Assert.That(ErrorText.Of(new IOException("No space left on device : '/run/reference.tmp/model.safetensors.46a7328eccc24b6c9a4975f4e24c4036.tmp'")),
            Is.EqualTo("/run/reference.tmp/model.safetensors: No space left on device"));
    }

    [Test]
    public void Judge_OutputIsAFolder_FailsBeforeJudging()
    {
        var dir = Scratch();
        var pairs = Pairs(dir);
        // A process judge that would leave a mark if it were ever started.
        var mark = Path.Combine(dir, "started");
        var (code, _, error) = Run("judge", "--judge", $"process:touch {mark}; cat", "--input", pairs, "--output", dir);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("is a folder"));
        Assert.That(File.Exists(mark), Is.False, "nothing was judged");
    }

    [Test]
    public void Judge_DuplicateKeyAndLoneSurrogate_OneLineNamingFileAndLine()
    {
        var dir = Scratch();
        var input = Path.Combine(dir, "dup.jsonl");
        File.WriteAllText(input, """{"prompt": "p", "a": "x", "a": "y", "b": "z"}""" + "\n");
        var (code, _, error) = Run("judge", "--judge", "length", "--input", input, "--output", Path.Combine(dir, "o.jsonl"));
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error.Trim(), Does.StartWith(input + ":1:").And.Not.Contain("\n").And.Not.Contain("   at "));

        File.WriteAllText(input, """{"prompt": "p", "a": "x\ud800", "b": "z"}""" + "\n");
        (code, _, error) = Run("judge", "--judge", "length", "--input", input, "--output", Path.Combine(dir, "o.jsonl"));
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error.Trim(), Does.StartWith(input + ":1:").And.Contain("field \"a\"").And.Not.Contain("\n"));
    }

    [Test]
    public void Judge_CacheInAMissingFolder_IsRefused_AndNotCreated()
    {
        var dir = Scratch();
        var folder = Path.Combine(dir, "no", "such");
        var (code, _, error) = Run("judge", "--judge", $"cache({folder}/v.db,length)", "--input", Pairs(dir), "--output", Path.Combine(dir, "o.jsonl"));
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("does not exist"));
        Assert.That(Directory.Exists(Path.Combine(dir, "no")), Is.False);
    }

    [Test]
    public void Game_UnwritableOutput_OneLineBeforeTheRun()
    {
        var dir = Scratch();
        var blocker = Path.Combine(dir, "file");
        File.WriteAllText(blocker, "");
        var output = Path.Combine(blocker, "out.json");                        // its folder cannot exist: a file is in the way
        var (code, _, error) = Run("game", "--game", "weighted-rps", "--algorithm", "rebel-optimistic", "--iterations", "5", "--output", output);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain(output).And.Not.Contain("   at "));
        Assert.That(Directory.GetFiles(dir), Is.EqualTo(new[] { blocker }), "no temporary file left");
    }

    [Test]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void Game_ReadOnlyFolder_OneLine()
    {
        Assume.That(Environment.UserName, Is.Not.EqualTo("root"), "root writes into read-only folders");
        var dir = Scratch();
        var ro = Path.Combine(dir, "ro");
        Directory.CreateDirectory(ro);
        File.SetUnixFileMode(ro, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            var (code, _, error) = Run("game", "--game", "weighted-rps", "--algorithm", "rebel-optimistic", "--iterations", "5", "--output", Path.Combine(ro, "out.json"));
            Assert.That(code, Is.EqualTo(1));
            Assert.That(error, Does.Contain("permission denied"));
        }
        finally
        {
            File.SetUnixFileMode(ro, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Test]
    public void PreferenceEval_LanguageModelFolder_SaysItIsNotAPreferenceModel()
    {
        var dir = Scratch();
        var data = Path.Combine(dir, "prefs.jsonl");
        File.WriteAllText(data, """{"prompt": "p", "chosen": "a", "rejected": "b"}""" + "\n");
        var (code, _, error) = Run("preference", "eval", "--model", ModelDirectory, "--data", data);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("not a preference model").And.Not.Contain("   at "));
    }

    [Test]
    public void Eval_PromptLongerThanTheContext_RefusedNamingFileAndLine_BeforeSampling()
    {
        var dir = Scratch();
        var prompts = Path.Combine(dir, "prompts.jsonl");
        File.WriteAllLines(prompts, [JsonSerializer.Serialize(new { prompt = "the cat" }), JsonSerializer.Serialize(new { prompt = string.Join(" ", Enumerable.Repeat("the cat sat", 2000)) })]);
        var output = Path.Combine(dir, "out");
        var (code, _, error) = Run("eval", "--policy", ModelDirectory, "--reference", ModelDirectory, "--prompts", prompts, "--judge", "length", "--out", output);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain(prompts + ":2:").And.Contain("context"));
        Assert.That(Directory.Exists(output), Is.False, "nothing was sampled or judged");
    }

    [Test]
    public void Train_ConfigJson_HasNoUrlCredentials()
    {
        var config = new Rebel.SelfPlay.Pipeline.TrainConfig { Model = "m", Prompts = "p", Judge = "openai:m@http://bob:pw@127.0.0.1:9/v1" };
        Assert.That(config.ToJson(), Does.Contain("http://***@127.0.0.1:9/v1").And.Not.Contain("pw@"));
    }

    [Test]
    public void Generate_NoPrompt_AsksForOne_NotForLess()
    {
        var (code, _, error) = Run("generate", "--model", ModelDirectory);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("--prompt").And.Not.Contain("not both"));
    }

    [Test]
    public void Sft_ShortRun_DefaultWarmupFits_AndAnExistingModelIsNotReplaced()
    {
        var dir = Scratch();
        var data = Path.Combine(dir, "sft.jsonl");
        File.WriteAllLines(data, Corpus.Select(c => JsonSerializer.Serialize(new { prompt = c[..8], completion = c[8..] })));
        var output = Path.Combine(dir, "out");
        var (code, _, error) = Run("sft", "--model", ModelDirectory, "--data", data, "--out", output, "--steps", "3", "--batch-size", "2");
        Assert.That(code, Is.Zero, error);
        Assert.That(Rebel.Cli.Commands.SftCommand.DefaultWarmup(3), Is.Zero);
        Assert.That(Rebel.Cli.Commands.SftCommand.DefaultWarmup(10), Is.EqualTo(1));
        Assert.That(Rebel.Cli.Commands.SftCommand.DefaultWarmup(1000), Is.EqualTo(20));

        var stamp = File.GetLastWriteTimeUtc(Path.Combine(output, "model.safetensors"));
        (code, _, error) = Run("sft", "--model", ModelDirectory, "--data", data, "--out", output, "--steps", "3", "--batch-size", "2");
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("--overwrite"));
        Assert.That(File.GetLastWriteTimeUtc(Path.Combine(output, "model.safetensors")), Is.EqualTo(stamp));
        (code, _, error) = Run("sft", "--model", ModelDirectory, "--data", data, "--out", output, "--steps", "3", "--batch-size", "2", "--overwrite");
        Assert.That(code, Is.Zero, error);
    }
}
