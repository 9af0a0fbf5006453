using System.CommandLine;
using System.Text.Json;
using static Rebel.Cli.Tests.ModelCommandFixture;

namespace Rebel.Cli.Tests;

public class PreferenceCommandTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rebel-preference-cli-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    /// <summary>Rock–paper–scissors over three word families, three hard-labelled records per prompt.</summary>
    private string WriteCyclicData(int prompts)
    {
        string[][] families = [["river", "stone", "cloud", "forest"], ["engine", "gear", "piston", "lever"], ["violin", "melody", "rhythm", "drum"]];
        var lines = new List<string>();
        for (int n = 0; n < prompts; n++)
        {
            var y = families.Select((f, i) => string.Join(' ', Enumerable.Range(0, 5).Select(j => f[(n * 7 + j * (i + 3)) % 4]))).ToArray();
            for (int f = 0; f < 3; f++)
                lines.Add(JsonSerializer.Serialize(new Dictionary<string, string> { ["prompt"] = $"prompt {n}", ["chosen"] = y[f], ["rejected"] = y[(f + 1) % 3] }));
        }
        var path = Path.Combine(_dir, "prefs.jsonl");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Test]
    public void TrainEvalJudge_GeneralModel_SmokeTest()
    {
        var data = WriteCyclicData(60);
        var model = Path.Combine(_dir, "pm");
        var (code, output, error) = Run("preference", "train", "--data", data, "--model-type", "gpm", "--out", model,
            "--buckets", "128", "--hidden", "16", "--blocks", "2", "--epochs", "6", "--lr", "0.01", "--validation-fraction", "0.2");
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(output, Does.Contain("eval/validation/accuracy").And.Contain("epoch 6 loss/train"));
        Assert.That(File.Exists(Path.Combine(model, "config.json")) && File.Exists(Path.Combine(model, "model.safetensors")));

        (code, output, error) = Run("preference", "eval", "--model", model, "--data", data, "--json");
        Assert.That(code, Is.EqualTo(0), error);
        using var metrics = JsonDocument.Parse(output);
        Assert.That(metrics.RootElement.GetProperty("count").GetDouble(), Is.EqualTo(180));
        Assert.That(metrics.RootElement.GetProperty("accuracy").GetDouble(), Is.GreaterThan(0.9));
        Assert.That(metrics.RootElement.GetProperty("triples").GetDouble(), Is.EqualTo(60));

        var pairs = Path.Combine(_dir, "pairs.jsonl");
        File.WriteAllLines(pairs, ["""{"prompt": "prompt 1", "a": "river stone", "b": "engine gear"}"""]);
        var verdicts = Path.Combine(_dir, "verdicts.jsonl");
        (code, _, error) = Run("judge", "--judge", $"model:{model}", "--input", pairs, "--output", verdicts);
        Assert.That(code, Is.EqualTo(0), error);
        using var verdict = JsonDocument.Parse(File.ReadAllLines(verdicts)[0]);
        Assert.That(verdict.RootElement.GetProperty("p").GetDouble(), Is.GreaterThan(0.5)); // the river family beats the engine family
    }

    [Test]
    public void Train_BadDataLine_NamesFileAndLine()
    {
        var data = Path.Combine(_dir, "bad.jsonl");
        File.WriteAllLines(data, ["""{"prompt": "x", "chosen": "a", "rejected": "b"}""", """{"prompt": "x", "chosen": "a"}"""]);
        var (code, _, error) = Run("preference", "train", "--data", data, "--model-type", "bt", "--out", Path.Combine(_dir, "m"));
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("bad.jsonl:2:").And.Contain("rejected"));
    }

    [Test]
    public void Train_UnknownModelType_SaysSo()
    {
        var data = WriteCyclicData(3);
        var (code, _, error) = Run("preference", "train", "--data", data, "--model-type", "nope", "--out", Path.Combine(_dir, "m"));
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("nope"));
    }

    [Test]
    public void Eval_MissingModel_Fails()
    {
        var data = WriteCyclicData(3);
        var (code, _, error) = Run("preference", "eval", "--model", Path.Combine(_dir, "none"), "--data", data);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("none"));
    }

    /// <summary>`rebel judge --judge model:DIR` on one pair of completions asked both ways; returns the two p.</summary>
    private double[] JudgeBothWays(string model)
    {
        var pairs = Path.Combine(_dir, "pairs.jsonl");
        File.WriteAllLines(pairs, ["""{"prompt": "prompt 1", "a": "river stone", "b": "engine gear"}""", """{"prompt": "prompt 1", "a": "engine gear", "b": "river stone"}"""]);
        var verdicts = Path.Combine(_dir, "verdicts.jsonl");
        var (code, _, error) = Run("judge", "--judge", $"model:{model}", "--input", pairs, "--output", verdicts);
        Assert.That(code, Is.EqualTo(0), error);
        return File.ReadAllLines(verdicts).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("p").GetDouble()).ToArray();
    }

    [Test]
    public void TrainJudge_Gpt2Encoder_SavesBackboneAndJudgesFromTheDirectory()
    {
        var data = WriteCyclicData(20);
        var model = Path.Combine(_dir, "pm-gpt2");
        var (code, output, error) = Run("preference", "train", "--data", data, "--model-type", "bt", "--out", model,
            "--encoder", $"gpt2:{ModelCommandFixture.ModelDirectory}", "--pooling", "mean", "--max-tokens", "32", "--epochs", "2",
            "--validation-fraction", "0.2");
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(output, Does.Contain("saved bt-transformer").And.Contain("epoch 2 loss/train"));
        using (var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(model, "config.json"))))
        {
            var encoder = config.RootElement.GetProperty("encoder");
            Assert.That(encoder.GetProperty("type").GetString(), Is.EqualTo("transformer"));
            Assert.That(encoder.GetProperty("pooling").GetString(), Is.EqualTo("mean"));
            Assert.That(encoder.GetProperty("max_tokens").GetInt32(), Is.EqualTo(32));
        }
        Assert.That(File.Exists(Path.Combine(model, "backbone", "config.json")), Is.True);

        var p = JudgeBothWays(model);
        Assert.That(p[0] + p[1], Is.EqualTo(1.0).Within(1e-12)); // the same two completions, asked both ways
    }

    [Test]
    public void TrainEvalJudge_LlamaFolderEncoder_Works()
    {
        var tokenizer = Rebel.Models.Tokenization.BpeTrainer.Train(ModelCommandFixture.Corpus, new Rebel.Models.Tokenization.BpeTrainerOptions { VocabSize = 300 });
        var config = Rebel.Models.Llama.LlamaConfig.Create(Rebel.Models.Llama.LlamaFamily.Llama, tokenizer.VocabSize, hiddenSize: 32, intermediateSize: 64,
            layers: 2, heads: 4, kvHeads: 2, maxPositions: 64, tieWordEmbeddings: true) with { EosTokenIds = [tokenizer.EosId!.Value] };
        var llama = Path.Combine(_dir, "llama");
        Rebel.Models.ModelFolder.Save(llama, new Rebel.Models.Llama.LlamaModel(config, seed: 2), tokenizer);
        var data = WriteCyclicData(20);
        var model = Path.Combine(_dir, "pm-llama");
        var (code, output, error) = Run("preference", "train", "--data", data, "--model-type", "gpm", "--out", model,
            "--encoder", $"transformer:{llama}", "--max-tokens", "32", "--epochs", "1", "--validation-fraction", "0.2");
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(output, Does.Contain("saved gpm-transformer"));
        using (var saved = JsonDocument.Parse(File.ReadAllText(Path.Combine(model, "backbone", "config.json"))))
            Assert.That(saved.RootElement.GetProperty("model_type").GetString(), Is.EqualTo("llama"));

        (code, output, error) = Run("preference", "eval", "--model", model, "--data", data, "--json");
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(JsonDocument.Parse(output).RootElement.GetProperty("count").GetInt32(), Is.GreaterThan(0));

        var p = JudgeBothWays(model);
        Assert.That(p[0] + p[1], Is.EqualTo(1.0).Within(1e-9), "a general preference model is skew-symmetric");
        Assert.That(p[0], Is.Not.EqualTo(0.5).Within(1e-6));
    }

    [TestCase("gpt2:", "not known")]
    [TestCase("transformer:", "not known")]
    [TestCase("gpt2:/no/such/model", "no/such/model")]
    [TestCase("bag-of-words", "bag-of-words")]
    public void Train_BadEncoder_SaysWhy(string encoder, string message)
    {
        var data = WriteCyclicData(3);
        var (code, _, error) = Run("preference", "train", "--data", data, "--model-type", "bt", "--out", Path.Combine(_dir, "m"), "--encoder", encoder);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain(message));
    }

    [Test]
    public void Train_Gpt2EncoderBadPooling_SaysWhy()
    {
        var data = WriteCyclicData(3);
        var (code, _, error) = Run("preference", "train", "--data", data, "--model-type", "bt", "--out", Path.Combine(_dir, "m"),
            "--encoder", $"gpt2:{ModelCommandFixture.ModelDirectory}", "--pooling", "max");
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("max"));
    }
}
