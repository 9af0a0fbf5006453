using System.Text.Json.Nodes;
using Rebel.Models;
using Rebel.Models.Lora;
using Rebel.Tensors.IO;
using static Rebel.Cli.Tests.ModelCommandFixture;

namespace Rebel.Cli.Tests;

/// <summary>Adapter folders as <c>--model</c>, and <c>rebel lora merge</c>, on the PEFT fixture of tools/lora-reference (Llama, rsLoRA).</summary>
public class LoraCommandTests
{
    private static string AdapterFixture => Path.Combine(ModelsFixtures(), "lora", "llama-adapter");

    private static string ExpectedFile => Path.Combine(ModelsFixtures(), "lora", "llama-adapter-expected.jsonl");

    private static string IdsInput(string dir)
    {
        var input = Path.Combine(dir, "in.jsonl");
        File.WriteAllLines(input, File.ReadLines(ExpectedFile).Select(l =>
        {
            var r = JsonNode.Parse(l)!;
            return new JsonObject { ["prompt_ids"] = r["prompt_ids"]!.DeepClone(), ["completion_ids"] = r["completion_ids"]!.DeepClone() }.ToJsonString();
        }));
        return input;
    }

    private static double[][] Logprobs(string model, string dir, string name)
    {
        var output = Path.Combine(dir, name);
        var (code, _, error) = Run("logprobs", "--model", model, "--input", IdsInput(dir), "--output", output);
        Assert.That(code, Is.EqualTo(0), error);
        return File.ReadLines(output).Select(l => JsonNode.Parse(l)!["token_logprobs"]!.AsArray().Select(v => (double)v!).ToArray()).ToArray();
    }

    private static double[][] Expected() =>
        File.ReadLines(ExpectedFile).Select(l => JsonNode.Parse(l)!["token_logprobs"]!.AsArray().Select(v => (double)v!).ToArray()).ToArray();

    [Test]
    public void Logprobs_AdapterFolderAsModel_MatchThePyTorchReference()
    {
        var got = Logprobs(AdapterFixture, Scratch(), "out.jsonl");
        var want = Expected();
        Assert.That(got, Has.Length.EqualTo(want.Length));
        for (int i = 0; i < want.Length; i++) Assert.That(got[i], Is.EqualTo(want[i]).Within(1e-4), $"line {i}");
    }

    [Test]
    public void Merge_WritesAPlainModel_WhoseLogprobsEqualBasePlusAdapter()
    {
        var dir = Scratch();
        var merged = Path.Combine(dir, "merged");
        var (code, output, error) = Run("lora", "merge", "--adapter", AdapterFixture, "--out", merged);
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(output, Does.Contain("merged 14 adapted modules"));
        Assert.That(File.Exists(Path.Combine(merged, "config.json")), Is.True);
        Assert.That(File.Exists(Path.Combine(merged, "adapter_config.json")), Is.False, "the merged folder is a plain model");
        var viaAdapter = Logprobs(AdapterFixture, dir, "adapter.jsonl");
        var viaMerged = Logprobs(merged, dir, "merged.jsonl");
        var baseOnly = Logprobs(Path.Combine(ModelsFixtures(), "llama", "llama-gqa-llama3", "model"), dir, "base.jsonl");
        for (int i = 0; i < viaAdapter.Length; i++)
        {
            Assert.That(viaMerged[i], Is.EqualTo(viaAdapter[i]).Within(1e-5), $"line {i}");
            Assert.That(viaMerged[i], Is.EqualTo(Expected()[i]).Within(1e-4), $"line {i}");
        }
        Assert.That(baseOnly.Zip(viaMerged).Max(p => p.First.Zip(p.Second).Max(t => Math.Abs(t.First - t.Second))), Is.GreaterThan(1e-3),
            "the adapter changes the model, so the comparison above can fail");

        var (again, _, refusal) = Run("lora", "merge", "--adapter", AdapterFixture, "--out", merged);
        Assert.That(again, Is.EqualTo(1));
        Assert.That(refusal, Does.Contain("--overwrite"));
    }

    [Test]
    public void Merge_OverABf16Base_WritesBf16Weights()
    {
        var dir = Scratch();
        var baseDir = Path.Combine(ModelsFixtures(), "llama", "qwen2-tied-bf16", "model");
        var model = ModelFolder.Load(baseDir);
        var adapter = LoraAdapter.Create(LoraModelFolder.HostOf(model), new LoraOptions { Rank = 2, Alpha = 4, TargetModules = ["q_proj", "down_proj"], Seed = 1 }, baseDir);
        foreach (var (_, layer) in adapter.Layers)
        {
            var b = layer.B.AsSpan();
            for (int i = 0; i < b.Length; i++) b[i] = 0.05f * ((i % 7) - 3);
        }
        var adapterDir = Path.Combine(dir, "adapter");
        adapter.Save(adapterDir);
        var merged = Path.Combine(dir, "merged");
        var (code, _, error) = Run("lora", "merge", "--adapter", adapterDir, "--out", merged);
        Assert.That(code, Is.EqualTo(0), error);
        using var file = SafeTensorsFile.Open(Path.Combine(merged, "model.safetensors"));
        Assert.That(file.TryGetInfo("model.layers.0.self_attn.q_proj.weight", out var info), Is.True);
        Assert.That(info!.DType, Is.EqualTo(SafeTensorsDType.BF16));
        Assert.That(file.TryGetInfo("model.layers.0.mlp.down_proj.weight", out info), Is.True);
        Assert.That(info!.DType, Is.EqualTo(SafeTensorsDType.BF16));
    }

    [Test]
    public void AdapterOverAnotherBase_IsOneClearLine_ForModelAndMerge()
    {
        var dir = Scratch();
        var adapter = Path.Combine(dir, "adapter");
        Directory.CreateDirectory(adapter);
        File.Copy(Path.Combine(AdapterFixture, "adapter_model.safetensors"), Path.Combine(adapter, "adapter_model.safetensors"));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(AdapterFixture, "adapter_config.json")))!;
        config["base_model_name_or_path"] = Path.Combine(ModelsFixtures(), "llama", "mistral-f16", "model");   // hidden 32, not 48
        File.WriteAllText(Path.Combine(adapter, "adapter_config.json"), config.ToJsonString());

        var (code, _, error) = Run("logprobs", "--model", adapter, "--input", IdsInput(dir), "--output", Path.Combine(dir, "out.jsonl"));
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error.TrimEnd().Split('\n'), Has.Length.EqualTo(1), error);
        Assert.That(error, Does.Contain("adapter_model.safetensors").And.Contain("lora_A.weight").And.Contain("shape"));
        Assert.That(File.Exists(Path.Combine(dir, "out.jsonl")), Is.False);

        var (merge, _, mergeError) = Run("lora", "merge", "--adapter", adapter, "--out", Path.Combine(dir, "merged"));
        Assert.That(merge, Is.EqualTo(1));
        Assert.That(mergeError, Does.StartWith("rebel lora merge: ").And.Contain("shape"));
        Assert.That(Directory.Exists(Path.Combine(dir, "merged")), Is.False, "nothing written");
    }
}
