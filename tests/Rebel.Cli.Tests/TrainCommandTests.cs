using System.Text.Json;
using System.Text.Json.Nodes;
using Rebel.SelfPlay.Training;
using static Rebel.Cli.Tests.ModelCommandFixture;

namespace Rebel.Cli.Tests;

public class TrainCommandTests
{
    private static string WriteConfig(string dir, int iterations, string judge = "vote(length(4),diversity,keywords)", string loss = "rebel", double beta = 0, double lr = 1e-3)
    {
        File.WriteAllLines(Path.Combine(dir, "prompts.jsonl"), Corpus.Select(c => JsonSerializer.Serialize(new { prompt = c[..8] })));
        var config = new
        {
            model = ModelDirectory, prompts = "prompts.jsonl", eval_prompts = "prompts.jsonl", judge, run_dir = "run",
            rebel = new { iterations, prompts_per_iteration = 4, minibatch_prompts = 2, samples_per_prompt = 2, max_new_tokens = 6,
                          checkpoint_interval = 1, eval_interval = 2, learning_rate = lr, seed = 3, loss, beta },
        };
        var path = Path.Combine(dir, "train.json");
        File.WriteAllText(path, JsonSerializer.Serialize(config));
        return path;
    }

    [Test]
    public void Train_WithConfig_WritesConfigMetricsAndCheckpoints_ThenResumes()
    {
        var dir = Scratch();
        var (code, stdout, error) = Run("train", "--config", WriteConfig(dir, 2));
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(stdout, Does.Contain("it    2/2"));
        var run = Path.Combine(dir, "run");
        Assert.That(File.Exists(Path.Combine(run, "config.json")), Is.True);
        var rows = MetricsLog.Read(Path.Combine(run, "metrics.jsonl"));
        Assert.That(rows, Has.Count.EqualTo(2));
        Assert.That(rows[1].ContainsKey("eval/win_rate_vs_ref"), Is.True);
        Assert.That(Directory.Exists(Path.Combine(run, "checkpoints", "iter-2", "model")), Is.True);

        (code, stdout, error) = Run("train", "--config", WriteConfig(dir, 3), "--resume");
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(stdout, Does.Contain("resuming at iteration 3"));
        Assert.That(MetricsLog.Read(Path.Combine(run, "metrics.jsonl")), Has.Count.EqualTo(3));
    }

    [Test]
    public void Train_OverAFolderWithAnotherConfigOrInput_IsRefusedNamingWhatDiffers_UntilOverwrite()
    {
        var dir = Scratch();
        var run = Path.Combine(dir, "run");
        var (code, _, error) = Run("train", "--config", WriteConfig(dir, 1));
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(File.Exists(Path.Combine(run, "run.json")), Is.True);

        // a finished run rerun with another learning rate or judge: refused, not "already trained"
        (code, var stdout, error) = Run("train", "--config", WriteConfig(dir, 1, lr: 0.01));
        Assert.That(code, Is.EqualTo(1), stdout);
        Assert.That(error, Does.Contain("rebel.learning_rate 0.001 → 0.01").And.Contain("--overwrite"));
        Assert.That(stdout, Does.Not.Contain("already trained"));
        (code, _, error) = Run("train", "--config", WriteConfig(dir, 1, judge: "length"));
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("judge \"vote(length(4),diversity,keywords)\" → \"length\""));

        // --resume may extend the run, but not change how an iteration is computed
        (code, _, error) = Run("train", "--config", WriteConfig(dir, 2, lr: 0.01), "--resume");
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("rebel.learning_rate 0.001 → 0.01").And.Not.Contain("rebel.iterations 1 → 2"));
        Assert.That(MetricsLog.Read(Path.Combine(run, "metrics.jsonl")), Has.Count.EqualTo(1));

        // same settings, changed prompt file content: refused by its hash
        var promptsFile = Path.Combine(dir, "prompts.jsonl");
        var config = WriteConfig(dir, 1);
        File.AppendAllText(promptsFile, "{\"prompt\": \"a new one\"}\n");
        (code, _, error) = Run("train", "--config", config);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("inputs.prompts_sha256"));

        (code, _, error) = Run("train", "--config", WriteConfig(dir, 1, lr: 0.01), "--resume", "--overwrite");
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("not both"));

        // --overwrite starts afresh under the new settings
        (code, stdout, error) = Run("train", "--config", WriteConfig(dir, 1, lr: 0.01), "--overwrite");
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(stdout, Does.Not.Contain("already trained"));
        Assert.That(JsonNode.Parse(File.ReadAllText(Path.Combine(run, "run.json")))!["rebel"]!["learning_rate"]!.GetValue<double>(), Is.EqualTo(0.01));
        Assert.That(MetricsLog.Read(Path.Combine(run, "metrics.jsonl")), Has.Count.EqualTo(1));
    }

    [Test]
    public void Train_FolderOfARunWithoutAStamp_IsRefused()
    {
        var dir = Scratch();
        Directory.CreateDirectory(Path.Combine(dir, "run", "checkpoints"));
        var (code, _, error) = Run("train", "--config", WriteConfig(dir, 1));
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("without run.json").And.Contain("--overwrite"));
    }

    [Test]
    public void Train_NashMd_SamplesTheMixtureOfPolicyAndReference()
    {
        var dir = Scratch();
        var (code, stdout, error) = Run("train", "--config", WriteConfig(dir, 2, loss: "nash-md", beta: 0.5));
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(stdout, Does.Contain("it    2/2"));
        var rows = MetricsLog.Read(Path.Combine(dir, "run", "metrics.jsonl"));
        Assert.That(rows, Has.Count.EqualTo(2));
        Assert.That(rows[1]["loss/nash-md"], Is.GreaterThanOrEqualTo(0).And.LessThan(double.PositiveInfinity));
        Assert.That(double.IsFinite(rows[1]["policy/kl_ref"]), Is.True);

        (code, _, error) = Run("train", "--config", WriteConfig(Scratch(), 1, loss: "nash-md", beta: 0));
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("eta·beta"));
    }

    [Test]
    public void Train_WithOnnxJudge_RunsEndToEnd()
    {
        var dir = Scratch();
        var judgeDir = Path.Combine(TestContext.CurrentContext.TestDirectory, "fixtures", "onnx", "reward");
        var (code, stdout, error) = Run("train", "--config", WriteConfig(dir, 2, judge: $"onnx:{judgeDir}"));
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(stdout, Does.Contain("it    2/2"));
        var rows = MetricsLog.Read(Path.Combine(dir, "run", "metrics.jsonl"));
        Assert.That(rows, Has.Count.EqualTo(2));
        Assert.That(rows[1]["eval/win_rate_vs_ref"], Is.InRange(0.0, 1.0));
    }

    private static string WithConfig(string path, Action<JsonObject> edit, string name)
    {
        var config = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(config);
        var edited = Path.Combine(Path.GetDirectoryName(path)!, name);
        File.WriteAllText(edited, config.ToJsonString());
        return edited;
    }

    [Test]
    public void Train_WithLoraSection_CheckpointsAdapters_Resumes_AndTheAdapterServesAsModel()
    {
        var dir = Scratch();
        var lora = WithConfig(WriteConfig(dir, 2, lr: 1e-2), c => c["lora"] = JsonNode.Parse(
            """{"rank": 4, "alpha": 8, "dropout": 0.1, "target_modules": ["c_attn", "c_fc"], "use_rslora": true}"""), "lora.json");
        var (code, stdout, error) = Run("train", "--config", lora);
        Assert.That(code, Is.EqualTo(0), error);
        var model = Path.Combine(dir, "run", "checkpoints", "iter-2", "model");
        Assert.That(File.Exists(Path.Combine(model, "adapter_model.safetensors")), Is.True);
        Assert.That(File.Exists(Path.Combine(model, "model.safetensors")), Is.False);
        var adapterConfig = JsonNode.Parse(File.ReadAllText(Path.Combine(model, "adapter_config.json")))!;
        Assert.That((int)adapterConfig["r"]!, Is.EqualTo(4));
        Assert.That((bool)adapterConfig["use_rslora"]!, Is.True);
        Assert.That(JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "run", "config.json")))!["lora"]!["use_rslora"]!.GetValue<bool>(), Is.True);

        (code, stdout, error) = Run("train", "--config", WithConfig(lora, c => c["rebel"]!["iterations"] = 3, "lora3.json"), "--resume");
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(stdout, Does.Contain("resuming at iteration 3"));

        // the adapter checkpoint as the starting model of a full fine-tuning run
        var fromAdapter = WithConfig(WriteConfig(dir, 1), c => { c["model"] = model; c["run_dir"] = "run-from-adapter"; }, "from-adapter.json");
        (code, _, error) = Run("train", "--config", fromAdapter);
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(File.Exists(Path.Combine(dir, "run-from-adapter", "checkpoints", "iter-1", "model", "model.safetensors")), Is.True);

        File.WriteAllText(Path.Combine(dir, "bad-lora.json"), "{\"model\": \"m\", \"prompts\": \"p\", \"judge\": \"length\", \"lora\": {\"rank\": 0}}");
        (code, _, error) = Run("train", "--config", Path.Combine(dir, "bad-lora.json"));
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("lora: ").And.Contain("r must be ≥ 1"));
    }

    [Test]
    public void Train_BadInputs_AreClearErrors()
    {
        var dir = Scratch();
        var (code, _, error) = Run("train", "--config", Path.Combine(dir, "missing.json"));
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("missing.json"));

        (code, _, error) = Run("train", "--config", WriteConfig(dir, 1, judge: "nonsense("));
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("nonsense("));

        File.WriteAllText(Path.Combine(dir, "gemm.json"), "{\"model\": \"m\", \"prompts\": \"p\", \"judge\": \"length\", \"gemm\": \"gpu\"}");
        (code, _, error) = Run("train", "--config", Path.Combine(dir, "gemm.json"));
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("gemm"));

        File.WriteAllText(Path.Combine(dir, "both.json"), "{\"model\": \"m\", \"reference\": {\"sft_data\": \"s\"}, \"prompts\": \"p\", \"judge\": \"length\"}");
        (code, _, error) = Run("train", "--config", Path.Combine(dir, "both.json"));
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("either \"model\""));

        File.WriteAllText(Path.Combine(dir, "bad.json"), "{\"model\": \"m\", \"prompts\": \"p\", \"judge\": \"length\", \"rebel\": {\"eta\": -1}}");
        (code, _, error) = Run("train", "--config", Path.Combine(dir, "bad.json"));
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("eta"));
    }
}
