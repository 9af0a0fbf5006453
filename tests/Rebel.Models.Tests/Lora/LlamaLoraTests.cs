using System.Text.Json;
using System.Text.Json.Nodes;
using Rebel.Models.Generation;
using Rebel.Models.Llama;
using Rebel.Models.Lora;
using Rebel.Models.Scoring;
using Rebel.Tensors;
using Rebel.Tensors.IO;

namespace Rebel.Models.Tests.Lora;

/// <summary>LoRA on the Llama family: the PEFT fixture of tools/lora-reference on the llama-gqa-llama3 checkpoint.</summary>
public class LlamaLoraTests
{
    private static string AdapterFixture => Path.Combine(Fixtures.Root, "lora", "llama-adapter");

    private static List<(PromptCompletion Pair, double[] Expected)> ReadExpected() =>
        File.ReadLines(Path.Combine(Fixtures.Root, "lora", "llama-adapter-expected.jsonl")).Select(l =>
        {
            using var doc = JsonDocument.Parse(l);
            var r = doc.RootElement;
            int[] Ints(string key) => r.GetProperty(key).EnumerateArray().Select(e => e.GetInt32()).ToArray();
            return (new PromptCompletion(Ints("prompt_ids"), Ints("completion_ids")), r.GetProperty("token_logprobs").EnumerateArray().Select(e => e.GetDouble()).ToArray());
        }).ToList();

    private static double WorstDifference(ICausalLanguageModel model)
    {
        var expected = ReadExpected();
        using var _ = Tensor.NoGrad();
        var result = SequenceLogProbs.Compute(model, expected.Select(e => e.Pair).ToList());
        double worst = 0;
        for (int i = 0; i < expected.Count; i++)
        {
            var tokens = result.TokenLogProbs(i);
            Assert.That(tokens, Has.Length.EqualTo(expected[i].Expected.Length));
            for (int j = 0; j < tokens.Length; j++) worst = Math.Max(worst, Math.Abs(tokens[j] - expected[i].Expected[j]));
        }
        return worst;
    }

    [Test]
    public void Load_AdapterFolder_LogProbsMatchPyTorchReference()
    {
        var (model, adapter) = LoraModelFolder.Load(AdapterFixture);
        Assert.That(model, Is.InstanceOf<LlamaModel>());
        Assert.That(adapter, Is.Not.Null);
        Assert.That(adapter!.Options.UseRsLora, Is.True);
        Assert.That(adapter.Options.Scaling, Is.EqualTo(6 / Math.Sqrt(4)));
        Assert.That(adapter.Layers, Has.Count.EqualTo(14), "seven projections in each of two layers");
        double worst = WorstDifference(model);
        TestContext.Out.WriteLine($"worst token log-prob difference, Llama + LoRA: {worst:E2}");
        Assert.That(worst, Is.LessThanOrEqualTo(1e-4));
    }

    [Test]
    public void ModelFolderLoad_AdapterFolder_GivesTheBaseWithTheAdapterMerged()
    {
        var model = ModelFolder.Load(AdapterFixture);
        Assert.That(model, Is.InstanceOf<LlamaModel>());
        double worst = WorstDifference(model);
        TestContext.Out.WriteLine($"worst token log-prob difference, ModelFolder.Load of the adapter folder: {worst:E2}");
        Assert.That(worst, Is.LessThanOrEqualTo(1e-4));
        var baseDir = PeftAdapterFolder.ResolveBase(AdapterFixture);
        Assert.That(ModelFolder.ContextLength(AdapterFixture), Is.EqualTo(ModelFolder.ContextLength(baseDir)));
        Assert.That(WorstDifference(ModelFolder.Load(baseDir)), Is.GreaterThan(1e-3), "the base alone differs, so the check above can fail");
    }

    [Test]
    public void Merge_GivesTheAdaptedLogProbs_AndSavesAsAPlainModel()
    {
        var (model, adapter) = LoraModelFolder.Load(AdapterFixture);
        adapter!.Merge();
        var dir = Fixtures.Scratch("llama-merged");
        ModelFolder.Save(dir, model, null);
        var (reloaded, none) = LoraModelFolder.Load(dir);
        Assert.That(none, Is.Null);
        double worst = WorstDifference(reloaded);
        TestContext.Out.WriteLine($"worst token log-prob difference after merging: {worst:E2}");
        Assert.That(worst, Is.LessThanOrEqualTo(1e-4));
    }

    [Test]
    public void Generate_WithAttachedAdapter_EqualsTheMergedModel()
    {
        var options = new GenerationOptions(MaxNewTokens: 10, Temperature: 0.9f, Seed: 4, StopAtEos: false);
        int[][] prompts = [[1, 17], [6, 87, 54]];
        var (adapted, _) = LoraModelFolder.Load(AdapterFixture);
        var (merged, adapter) = LoraModelFolder.Load(AdapterFixture);
        adapter!.Merge();
        var a = new Generator(adapted).Generate(prompts, options);
        var m = new Generator(merged).Generate(prompts, options);
        for (int i = 0; i < prompts.Length; i++)
        {
            Assert.That(a[i].Ids, Is.EqualTo(m[i].Ids), $"prompt {i}");
            Assert.That(a[i].LogProbs, Is.EqualTo(m[i].LogProbs).Within(1e-4f), $"prompt {i}");
        }
    }

    [Test]
    public void Create_DefaultTargets_WritesPeftNamesAndConfig()
    {
        var model = (LlamaModel)ModelFolder.Load(Path.Combine(Fixtures.Root, "llama", "llama-gqa-llama3", "model"));
        var adapter = LoraAdapter.Create(new LlamaLoraHost(model), new LoraOptions { Rank = 2, Alpha = 4 }, "../base");
        var dir = Fixtures.Scratch("llama-adapter");
        adapter.Save(dir);
        using (var file = SafeTensorsFile.Open(Path.Combine(dir, PeftAdapterFolder.WeightsFile)))
        {
            Assert.That(file.Names.Order(), Is.EqualTo(new[] { 0, 1 }.SelectMany(l => new[] { "q_proj", "v_proj" }.SelectMany(m => new[]
                { $"base_model.model.model.layers.{l}.self_attn.{m}.lora_A.weight", $"base_model.model.model.layers.{l}.self_attn.{m}.lora_B.weight" })).Order()));
            Assert.That(file.GetInfo("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight").Shape, Is.EqualTo(new[] { 2, 48 }));
            Assert.That(file.GetInfo("base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight").Shape, Is.EqualTo(new[] { 32, 2 }), "GQA: 2 KV heads × 16");
        }
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, PeftAdapterConfig.FileName)))!.AsObject();
        Assert.That(config["fan_in_fan_out"]!.GetValue<bool>(), Is.False);
        Assert.That(config["target_modules"]!.AsArray().Select(n => n!.GetValue<string>()), Is.EqualTo(new[] { "q_proj", "v_proj" }));
    }

    [Test]
    public void Load_GptAdapterOnLlamaBase_IsRefusedNamingTheMismatch()
    {
        var dir = Fixtures.Scratch("gpt2-on-llama");
        foreach (var f in Directory.GetFiles(Path.Combine(Fixtures.Root, "lora", "gpt2-tiny-adapter"))) File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
        var model = (LlamaModel)ModelFolder.Load(Path.Combine(Fixtures.Root, "llama", "llama-gqa-llama3", "model"));
        var e = Assert.Throws<Rebel.Models.Gpt2.ModelFormatException>(() => LoraAdapter.Load(dir, new LlamaLoraHost(model)))!;
        Assert.That(e.Message, Does.Contain("fan_in_fan_out"));
    }
}
