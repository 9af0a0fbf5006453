using System.Text.Json;
using System.Text.Json.Nodes;
using Rebel.Models;
using Rebel.Models.Llama;
using Rebel.Models.Tokenization;
using Rebel.SelfPlay.Training;
using static Rebel.Cli.Tests.ModelCommandFixture;

namespace Rebel.Cli.Tests;

/// <summary>Every model command on Llama-family folders: the PyTorch-reference fixtures (ids only) and a tiny random Llama with a tokenizer.</summary>
public class LlamaCommandTests
{
    private static readonly Lazy<string> TinyLlama = new(() =>
    {
        var dir = Path.Combine(Path.GetTempPath(), "rebel-cli-llama-" + Guid.NewGuid().ToString("N"));
        var tokenizer = BpeTrainer.Train(Corpus, new BpeTrainerOptions { VocabSize = 300 });
        var config = LlamaConfig.Create(LlamaFamily.Llama, tokenizer.VocabSize, hiddenSize: 32, intermediateSize: 64, layers: 2, heads: 4, kvHeads: 2,
            maxPositions: 128, tieWordEmbeddings: true) with { BosTokenId = tokenizer.EosId, EosTokenIds = [tokenizer.EosId!.Value] };
        ModelFolder.Save(dir, new LlamaModel(config, seed: 5), tokenizer);
        return dir;
    });

    private static string Fixture(string name) => Path.Combine(ModelsFixtures(), "llama", name);

    private static JsonNode Expected(string name) => JsonNode.Parse(File.ReadAllText(Path.Combine(Fixture(name), "expected.json")))!;

    [Test]
    public void Logprobs_QwenShardedIds_MatchThePyTorchReference()
    {
        var dir = Scratch();
        var expected = Expected("qwen3-sharded")["pairs"]!.AsArray();
        var input = Path.Combine(dir, "in.jsonl");
        File.WriteAllLines(input, expected.Select(p => new JsonObject { ["prompt_ids"] = p!["prompt_ids"]!.DeepClone(), ["completion_ids"] = p["completion_ids"]!.DeepClone() }.ToJsonString()));
        var output = Path.Combine(dir, "out.jsonl");
        var (code, _, error) = Run("logprobs", "--model", Path.Combine(Fixture("qwen3-sharded"), "model"), "--input", input, "--output", output);
        Assert.That(code, Is.EqualTo(0), error);
        var lines = File.ReadAllLines(output).Select(l => JsonNode.Parse(l)!).ToList();
        for (int i = 0; i < lines.Count; i++)
        {
            var got = lines[i]["token_logprobs"]!.AsArray().Select(v => (double)v!).ToArray();
            var want = expected[i]!["token_logprobs"]!.AsArray().Select(v => (double)v!).ToArray();
            Assert.That(got, Is.EqualTo(want).Within(1e-4), $"line {i}");
        }
    }

    [Test]
    public void Generate_LlamaGreedyIds_MatchThePyTorchReference()
    {
        var dir = Scratch();
        var greedy = Expected("llama-gqa-llama3")["greedy"]!.AsArray();
        var input = Path.Combine(dir, "prompts.jsonl");
        File.WriteAllLines(input, greedy.Select(g => new JsonObject { ["prompt_ids"] = g!["prompt_ids"]!.DeepClone() }.ToJsonString()));
        var output = Path.Combine(dir, "out.jsonl");
        var (code, _, error) = Run("generate", "--model", Path.Combine(Fixture("llama-gqa-llama3"), "model"), "--input", input, "--output", output,
            "--temperature", "0", "--max-new-tokens", "12");
        Assert.That(code, Is.EqualTo(0), error);
        var lines = File.ReadAllLines(output).Select(l => JsonNode.Parse(l)!).ToList();
        for (int i = 0; i < lines.Count; i++)
        {
            Assert.That(lines[i]["completion_ids"]!.AsArray().Select(v => (int)v!), Is.EqualTo(greedy[i]!["greedy_ids"]!.AsArray().Select(v => (int)v!)), $"line {i}");
            Assert.That(lines[i]["completion"], Is.Null, "no tokenizer files: text fields are omitted");
        }
    }

    [Test]
    public void Generate_UnsupportedModelType_IsOneLineErrorListingSupportedTypes()
    {
        var dir = Scratch();
        foreach (var file in Directory.GetFiles(Path.Combine(Fixture("mistral-f16"), "model"))) File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "config.json")))!;
        config["model_type"] = "gemma3";
        File.WriteAllText(Path.Combine(dir, "config.json"), config.ToJsonString());
        var (code, _, error) = Run("generate", "--model", dir, "--prompt", "x");
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error.Trim(), Does.Contain("gemma3").And.Contain("llama, mistral, qwen2, qwen3").And.Not.Contain("\n"));
    }

    [Test]
    public void Sft_OnLlamaFolder_TrainsAndWritesALlamaFolderThatReloads()
    {
        var dir = Scratch();
        var data = Path.Combine(dir, "sft.jsonl");
        File.WriteAllLines(data, Corpus.Select(c => JsonSerializer.Serialize(new { prompt = c[..6], completion = c[6..] })));
        var output = Path.Combine(dir, "out");
        var (code, _, error) = Run("sft", "--model", TinyLlama.Value, "--data", data, "--out", output, "--steps", "6", "--batch-size", "4", "--warmup", "1");
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That((string)JsonNode.Parse(File.ReadAllText(Path.Combine(output, "config.json")))!["model_type"]!, Is.EqualTo("llama"));
        var reloaded = ModelFolder.Load(output);
        var original = ModelFolder.Load(TinyLlama.Value);
        Assert.That(reloaded.Parameters.Zip(original.Parameters).Any(p => !p.First.Value.ToArray().SequenceEqual(p.Second.Value.ToArray())), "SFT changed the weights");
    }

    [Test]
    public void Train_OnTinyLlama_WithTheDefaultTaskJudge_RunsEndToEnd()
    {
        var dir = Scratch();
        string root = ModelsFixtures();
        for (int i = 0; i < 3; i++) root = Path.GetDirectoryName(root)!;        // tests/Rebel.Models.Tests/fixtures → repository
        var task = Path.Combine(root, "data", "default");
        var judge = (string)JsonNode.Parse(File.ReadAllText(Path.Combine(task, "manifest.json")))!["judge"]!;
        var config = new JsonObject
        {
            ["model"] = TinyLlama.Value, ["prompts"] = Path.Combine(task, "prompts.jsonl"), ["eval_prompts"] = Path.Combine(task, "eval_prompts.jsonl"),
            ["periodic_eval_prompts"] = 4, ["judge"] = judge, ["run_dir"] = "run",
            ["rebel"] = new JsonObject
            {
                ["iterations"] = 2, ["prompts_per_iteration"] = 4, ["minibatch_prompts"] = 2, ["samples_per_prompt"] = 2, ["max_new_tokens"] = 8,
                ["checkpoint_interval"] = 1, ["eval_interval"] = 2, ["learning_rate"] = 1e-3, ["seed"] = 3,
            },
        };
        var path = Path.Combine(dir, "train.json");
        File.WriteAllText(path, config.ToJsonString());
        var (code, stdout, error) = Run("train", "--config", path);
        Assert.That(code, Is.EqualTo(0), error);
        var run = Path.Combine(dir, "run");
        var rows = MetricsLog.Read(Path.Combine(run, "metrics.jsonl"));
        Assert.That(rows, Has.Count.EqualTo(2));
        Assert.That(rows[1].ContainsKey("eval/win_rate_vs_ref"), Is.True);
        Assert.That(rows[1].Where(kv => kv.Key.StartsWith("loss/", StringComparison.Ordinal)).Select(kv => kv.Value), Is.Not.Empty.And.All.Matches<double>(double.IsFinite));
        var checkpoint = Path.Combine(run, "checkpoints", "iter-2", "model");
        Assert.That((string)JsonNode.Parse(File.ReadAllText(Path.Combine(checkpoint, "config.json")))!["model_type"]!, Is.EqualTo("llama"));
        Assert.That(ModelFolder.Load(checkpoint), Is.InstanceOf<LlamaModel>());
    }

    [Test]
    public void TournamentAndEval_LlamaAgainstGpt2_Run()
    {
        var dir = Scratch();
        var prompts = Path.Combine(dir, "prompts.jsonl");
        File.WriteAllLines(prompts, Corpus.Take(3).Select(c => JsonSerializer.Serialize(new { prompt = c[..8] })));
        var (code, _, error) = Run("tournament", "--players", TinyLlama.Value + "," + ModelDirectory, "--prompts", prompts, "--judge", "length(10)",
            "--out", Path.Combine(dir, "t"), "--samples", "1", "--seed", "3");
        Assert.That(code, Is.Zero, error);
        var tournament = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "t", "tournament.json")))!;
        Assert.That(tournament["players"]!.AsArray(), Has.Count.EqualTo(2));
        (code, _, error) = Run("eval", "--policy", TinyLlama.Value, "--reference", ModelDirectory, "--prompts", prompts, "--judge", "length(4)",
            "--out", Path.Combine(dir, "e"), "--seed", "5");
        Assert.That(code, Is.Zero, error);
        Assert.That(File.Exists(Path.Combine(dir, "e", "eval.json")));
    }

    [Test]
    public void Tournament_BrokenLlamaFolder_IsOneLineError()
    {
        var dir = Scratch();
        var broken = Path.Combine(dir, "broken");
        Directory.CreateDirectory(broken);
        foreach (var file in Directory.GetFiles(TinyLlama.Value)) File.Copy(file, Path.Combine(broken, Path.GetFileName(file)));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(broken, "config.json")))!;
        config["hidden_size"] = 48;
        File.WriteAllText(Path.Combine(broken, "config.json"), config.ToJsonString());
        var prompts = Path.Combine(dir, "prompts.jsonl");
        File.WriteAllLines(prompts, [JsonSerializer.Serialize(new { prompt = "the cat" })]);
        var (code, _, error) = Run("tournament", "--players", broken + "," + ModelDirectory, "--prompts", prompts, "--judge", "length(10)", "--out", Path.Combine(dir, "t"));
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error.Trim(), Does.Contain("model.embed_tokens.weight").And.Not.Contain("\n   at "));
    }
}
