using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Rebel.SelfPlay.Pipeline;
using Rebel.Judges.Spec;
using Rebel.Models.Data;
using Rebel.Preference;
using Rebel.Preference.Data;
using Rebel.SelfPlay.Training;
using static Rebel.Cli.Tests.ModelCommandFixture;

namespace Rebel.Cli.Tests;

/// <summary>The shipped default task (data/default*) and a shortened run of the whole default pipeline.</summary>
public class DefaultTaskTests
{
    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Rebel.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("Rebel.sln not found above the test directory.");
    }

    private static string Data(string name) => Path.Combine(RepoRoot(), "data", "default", name);

    private static JsonNode Manifest() => JsonNode.Parse(File.ReadAllText(Data("manifest.json")))!;

    [Test]
    public void DefaultConfig_LoadsAndMatchesTheGeneratedTask()
    {
        var config = TrainConfig.Load(Path.Combine(RepoRoot(), "data", "default.json"));
        var manifest = Manifest();
        Assert.That(config.Judge, Is.EqualTo((string)manifest["judge"]!));
        Assert.That(config.Reference, Is.Not.Null);
        Assert.That(config.Rebel.OfflineFraction, Is.GreaterThan(0));
        Assert.That(config.Rebel.MagnetResetInterval, Is.GreaterThan(0));
        Assert.That(config.Rebel.Beta, Is.GreaterThan(0));
        Assert.That(config.RunDir, Is.EqualTo(Path.Combine(RepoRoot(), "runs", "default")));
        Assert.That(config.Gemm, Is.EqualTo(Rebel.Tensors.Kernels.GemmBackend.Managed));

        var train = PromptFile.Read(config.Prompts);
        var heldOut = PromptFile.Read(config.EvalPrompts!);
        Assert.That(train, Has.Count.EqualTo((int)manifest["train_prompts"]!));
        Assert.That(heldOut, Has.Count.EqualTo((int)manifest["eval_prompts"]!));
        Assert.That(heldOut.Intersect(train), Is.Empty, "held-out prompts never appear in training");
        Assert.That(File.ReadLines(config.Reference!.SftData).Count(), Is.EqualTo((int)manifest["sft_examples"]!));
    }

    [Test]
    public void NashMdConfig_IsTheDefaultTaskWithTheNashMdLoss()
    {
        var defaults = TrainConfig.Load(Path.Combine(RepoRoot(), "data", "default.json"));
        var config = TrainConfig.Load(Path.Combine(RepoRoot(), "data", "nash-md.json"));
        Assert.That(config.Rebel.Loss, Is.EqualTo("nash-md"));
        Assert.That(config.Rebel.MixtureWeight, Is.EqualTo(0.1).Within(1e-12));
        Assert.That(config.RunDir, Is.EqualTo(Path.Combine(RepoRoot(), "runs", "nash-md")));
        Assert.That(config.Baseline, Is.Null);
        Assert.That((config.Judge, config.Prompts, config.EvalPrompts, config.Reference, config.Tournament),
            Is.EqualTo((defaults.Judge, defaults.Prompts, defaults.EvalPrompts, defaults.Reference, defaults.Tournament)));
        Assert.That(config.Rebel with { Loss = "rebel", Beta = 0, MagnetResetInterval = 0, OfflineFraction = 0, OfflineData = null },
            Is.EqualTo(defaults.Rebel with { Beta = 0, MagnetResetInterval = 0, OfflineFraction = 0, OfflineData = null }),
            "every other REBEL option as in the default task");
    }

    [Test]
    public async Task OfflinePreferences_DisagreeWithTheJudgeExactlyWhereLabelsWereFlipped()
    {
        var manifest = Manifest();
        var records = PreferenceDataset.Read(Data("preferences.jsonl")).ToList();
        Assert.That(records, Has.Count.EqualTo((int)manifest["preference_pairs"]!));
        using var judge = JudgeSpec.Parse((string)manifest["judge"]!);
        var verdicts = await judge.JudgeAsync(records.Select(r => new Comparison(r.Prompt, r.A, r.B)).ToList());
        Assert.That(verdicts.Any(v => v.P == 0.5), Is.False, "ties were left out of the dataset");
        int disagreements = records.Zip(verdicts).Count(x => x.First.P == 1.0 != (x.Second.P == 1.0));
        Assert.That(disagreements, Is.EqualTo((int)manifest["flipped_labels"]!), "the Python labeller and Rebel's judge must agree on every unflipped pair");
        Assert.That((double)disagreements / records.Count, Is.EqualTo((double)manifest["label_noise"]!).Within(0.03));
    }

    [Test]
    public void ShortenedPipeline_WritesEveryArtifact_AndReusesThemOnARerun()
    {
        var dir = Scratch();
        var config = new JsonObject
        {
            ["prompts"] = Data("prompts.jsonl"),
            ["eval_prompts"] = Data("eval_prompts.jsonl"),
            ["periodic_eval_prompts"] = 8,
            ["judge"] = (string)Manifest()["judge"]!,
            ["run_dir"] = "run",
            ["reference"] = new JsonObject
            {
                ["sft_data"] = Data("sft.jsonl"), ["vocab_size"] = 400, ["n_positions"] = 96, ["n_embd"] = 16, ["n_layer"] = 1,
                ["n_head"] = 2, ["steps"] = 20, ["warmup_steps"] = 2, ["batch_size"] = 8,
            },
            ["rebel"] = new JsonObject
            {
                ["iterations"] = 3, ["prompts_per_iteration"] = 4, ["minibatch_prompts"] = 2, ["samples_per_prompt"] = 2,
                ["max_new_tokens"] = 12, ["checkpoint_interval"] = 1, ["eval_interval"] = 3, ["beta"] = 0.05,
                ["magnet_reset_interval"] = 2, ["offline_fraction"] = 0.25, ["offline_data"] = Data("preferences.jsonl"),
                ["learning_rate"] = 1e-3,
            },
            ["baseline"] = new JsonObject { ["epochs"] = 1, ["buckets"] = 256, ["hidden"] = 8 },
            ["tournament"] = new JsonObject { ["prompts"] = 6, ["samples"] = 1, ["checkpoints"] = 1, ["bootstrap_resamples"] = 20 },
        };
        var path = Path.Combine(dir, "train.json");
        File.WriteAllText(path, config.ToJsonString());

        var (code, stdout, error) = Run("train", "--config", path);
        Assert.That(code, Is.EqualTo(0), error);
        var run = Path.Combine(dir, "run");
        foreach (var file in new[]
                 {
                     "config.json", "metrics.jsonl", "report.md", "loss.svg", "win_rate.svg", "reference/config.json", "reference/model.safetensors",
                     "reference/vocab.json", "reference/merges.txt", "reference/metrics.jsonl", "reference/reference.json",
                     "checkpoints/iter-3/model/model.safetensors", "checkpoints/iter-3/optimizer.safetensors",
                     "baseline/metrics.jsonl", "baseline/reward-model/model.safetensors", "baseline/checkpoints/iter-3/model/config.json",
                     "tournament/tournament.json", "tournament/report.md", "tournament/win_rates.svg", "tournament/lottery.svg",
                 })
            Assert.That(File.Exists(Path.Combine(run, file)), Is.True, file);

        Assert.That(MetricsLog.Read(Path.Combine(run, "metrics.jsonl")), Has.Count.EqualTo(3));
        Assert.That(MetricsLog.Read(Path.Combine(run, "baseline", "metrics.jsonl")), Has.Count.EqualTo(3));
        var tournament = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "tournament", "tournament.json")))!;
        var players = tournament["players"]!.AsArray().Select(p => (string)p!).ToList();
        Assert.That(players, Is.EqualTo(new[] { "sft-reference", "self-play-1", "self-play-3", "bt-baseline" }));
        var lottery = tournament["lottery"]!.AsArray().Select(w => (double)w!).ToList();
        Assert.That(lottery.Sum(), Is.EqualTo(1.0).Within(1e-6));
        Assert.That(tournament["win_rates"]!.AsArray(), Has.Count.EqualTo(4));
        foreach (var svg in Directory.GetFiles(run, "*.svg", SearchOption.AllDirectories))
            Assert.That(XDocument.Load(svg).Root!.Name.LocalName, Is.EqualTo("svg"), svg);
        var report = File.ReadAllText(Path.Combine(run, "report.md"));
        Assert.That(report, Does.Contain("self-play-3 vs sft-reference"));
        Assert.That(report, Does.Contain("bt-baseline vs sft-reference"));
        Assert.That(report, Does.Contain("Maximal lottery"));
        Assert.That(report, Does.Contain("## Examples"));
        Assert.That(stdout, Does.Contain("Report: " + Path.Combine(run, "report.md")));

        var stamp = File.GetLastWriteTimeUtc(Path.Combine(run, "reference", "model.safetensors"));
        (code, stdout, error) = Run("train", "--config", path);
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(stdout, Does.Contain("reusing the SFT reference"));
        Assert.That(stdout, Does.Contain("already trained"));
        Assert.That(File.GetLastWriteTimeUtc(Path.Combine(run, "reference", "model.safetensors")), Is.EqualTo(stamp));

        // --resume may run further: both arms continue, and the tournament, whose bt-baseline is now another policy, is replayed
        config["rebel"]!["iterations"] = 4;
        File.WriteAllText(path, config.ToJsonString());
        (code, stdout, error) = Run("train", "--config", path, "--resume");
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(stdout, Does.Contain("replaying it"));
        Assert.That(MetricsLog.Read(Path.Combine(run, "baseline", "metrics.jsonl")), Has.Count.EqualTo(4));
        tournament = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "tournament", "tournament.json")))!;
        Assert.That(tournament["players"]!.AsArray().Select(p => (string)p!), Does.Contain("self-play-4").And.Contain("bt-baseline"));
    }
}
