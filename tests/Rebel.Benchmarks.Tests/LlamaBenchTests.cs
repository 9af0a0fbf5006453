using System.Text.Json;
using Rebel.Models;
using Rebel.Models.Llama;
using static Rebel.Benchmarks.Tests.BenchRunner;

namespace Rebel.Benchmarks.Tests;

/// <summary>Smoke tests of the Llama benchmarks: train-step --lora-rank, load, generate --model (tiny settings).</summary>
public class LlamaBenchTests
{
    private static readonly Lazy<(string Dir, long Parameters)> TinyLlama = new(() =>
    {
        var dir = Path.Combine(Path.GetTempPath(), "rebel-bench-llama-" + Guid.NewGuid().ToString("N"));
        var model = new LlamaModel(LlamaConfig.Create(LlamaFamily.Llama, 64, hiddenSize: 16, intermediateSize: 32, layers: 1, heads: 2, kvHeads: 1,
            maxPositions: 32, tieWordEmbeddings: true), seed: 3);
        ModelFolder.Save(dir, model, tokenizer: null);
        return (dir, model.Parameters.Sum(p => (long)p.Value.Size));
    });

    private static JsonElement Row(params string[] args)
    {
        var (code, output, error) = Run(args);
        Assert.That(code, Is.EqualTo(0), error);
        return JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement;
    }

    [Test]
    public void TrainStep_LoraRank_TrainsAdaptersOnly_SoTheLossMovesDifferently()
    {
        string[] tiny = ["train-step", "--steps", "2", "--batch", "2", "--context", "16", "--width", "32", "--layers", "1", "--heads", "2", "--vocab", "64"];
        double full = Row(tiny).GetProperty("loss").GetDouble();
        double lora = Row([.. tiny, "--lora-rank", "2"]).GetProperty("loss").GetDouble();
        Assert.That(double.IsFinite(lora), Is.True);
        Assert.That(lora, Is.Not.EqualTo(full).Within(1e-6), "after the first updates, adapters on a frozen model are not full fine-tuning");
        var (code, _, error) = Run([.. tiny, "--lora-rank", "-1"]);
        Assert.That(code, Is.Not.EqualTo(0));
        Assert.That(error, Does.Contain("--lora-rank"));
    }

    [Test]
    public void Load_ModelFolder_PrintsTimeMemoryAndItsSize()
    {
        var row = Row("load", "--model", TinyLlama.Value.Dir);
        Assert.That(row.GetProperty("parameters").GetInt64(), Is.EqualTo(TinyLlama.Value.Parameters));
        Assert.That(row.GetProperty("f32_mb").GetDouble(), Is.EqualTo(TinyLlama.Value.Parameters * 4 / 1048576.0).Within(0.1));
        Assert.That(row.GetProperty("load_ms").GetDouble(), Is.GreaterThan(0));
        Assert.That(row.GetProperty("peak_rss_mb").GetDouble(), Is.GreaterThanOrEqualTo(row.GetProperty("rss_before_mb").GetDouble()));
        Assert.That(row.GetProperty("model_type").GetString(), Is.EqualTo("llama"));
    }

    [Test]
    public void Generate_ModelFolder_SamplesFromTheLoadedModel()
    {
        var row = Row("generate", "--model", TinyLlama.Value.Dir, "--model-type", "llama", "--batch", "1", "--prompt-tokens", "2",
            "--new-tokens", "4", "--reps", "1", "--threads", "1");
        Assert.That(row.GetProperty("tokens_per_s").GetDouble(), Is.GreaterThan(0));
        Assert.That(row.GetProperty("new_tokens").GetInt32(), Is.EqualTo(4));
    }
}
