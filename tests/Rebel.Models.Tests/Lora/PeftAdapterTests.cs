using System.Text.Json;
using System.Text.Json.Nodes;
using Rebel.Models.Generation;
using Rebel.Models.Gpt2;
using Rebel.Models.Lora;
using Rebel.Models.Scoring;
using Rebel.Tensors;
using Rebel.Tensors.IO;

namespace Rebel.Models.Tests.Lora;

public class PeftAdapterTests
{
    private static string AdapterFixture => Path.Combine(Fixtures.Root, "lora", "gpt2-tiny-adapter");

    private sealed record Expected(int[] PromptIds, int[] CompletionIds, double[] TokenLogProbs);

    private static List<Expected> ReadExpected() =>
        File.ReadLines(Path.Combine(Fixtures.Root, "lora", "gpt2-tiny-adapter-expected.jsonl")).Select(l =>
        {
            using var doc = JsonDocument.Parse(l);
            var r = doc.RootElement;
            int[] Ints(string key) => r.GetProperty(key).EnumerateArray().Select(e => e.GetInt32()).ToArray();
            return new Expected(Ints("prompt_ids"), Ints("completion_ids"), r.GetProperty("token_logprobs").EnumerateArray().Select(e => e.GetDouble()).ToArray());
        }).ToList();

    /// <summary>The adapter fixture loaded the way a --model naming an adapter folder is: base from base_model_name_or_path.</summary>
    private static (Gpt2Model Model, LoraAdapter Adapter) LoadFixture()
    {
        var basePath = PeftAdapterFolder.ResolveBase(AdapterFixture);
        var model = Gpt2Checkpoint.Load(basePath);
        return (model, LoraAdapter.Load(AdapterFixture, new Gpt2LoraHost(model)));
    }

    private static double WorstDifference(Gpt2Model model, List<Expected> expected)
    {
        using var _ = Tensor.NoGrad();
        var result = SequenceLogProbs.Compute(model, expected.Select(e => new PromptCompletion(e.PromptIds, e.CompletionIds)).ToList());
        double worst = 0;
        for (int i = 0; i < expected.Count; i++)
        {
            var tokens = result.TokenLogProbs(i);
            for (int j = 0; j < tokens.Length; j++) worst = Math.Max(worst, Math.Abs(tokens[j] - expected[i].TokenLogProbs[j]));
        }
        return worst;
    }

    [Test]
    public void Load_PeftFolderWithLocalBase_LogProbsMatchPyTorchReference()
    {
        Assert.That(PeftAdapterFolder.IsAdapter(AdapterFixture), Is.True);
        var (model, adapter) = LoadFixture();
        Assert.That(adapter.Options.Rank, Is.EqualTo(4));
        Assert.That(adapter.Options.Scaling, Is.EqualTo(2.0));
        Assert.That(adapter.Options.Dropout, Is.EqualTo(0.05));
        Assert.That(adapter.Layers, Has.Count.EqualTo(8), "c_attn, c_proj (attn and mlp), c_fc in both blocks");
        double worst = WorstDifference(model, ReadExpected());
        TestContext.Out.WriteLine($"worst token log-prob difference with the adapter: {worst:E2}");
        Assert.That(worst, Is.LessThanOrEqualTo(1e-4));
    }

    [Test]
    public void Merge_ThenSaveAndReload_GivesTheAdaptedLogProbs()
    {
        var (model, adapter) = LoadFixture();
        adapter.Merge();
        var dir = Fixtures.Scratch("lora-merged");
        Gpt2Checkpoint.Save(dir, model, (Action<string>?)null);
        double worst = WorstDifference(Gpt2Checkpoint.Load(dir), ReadExpected());
        TestContext.Out.WriteLine($"worst token log-prob difference after merging: {worst:E2}");
        Assert.That(worst, Is.LessThanOrEqualTo(1e-4));
    }

    [Test]
    public void Generate_WithAttachedAdapter_EqualsTheMergedModel()
    {
        var options = new GenerationOptions(MaxNewTokens: 12, Temperature: 0.8f, Seed: 3, StopAtEos: false);
        int[][] prompts = [[3, 17], [47, 5, 9]];
        var (adapted, _) = LoadFixture();
        var withAdapter = new Generator(adapted).Generate(prompts, options);
        var (merged, adapter) = LoadFixture();
        adapter.Merge();
        var fromMerged = new Generator(merged).Generate(prompts, options);
        var plain = new Generator(Gpt2Checkpoint.Load(Fixtures.TinyModel)).Generate(prompts, options);
        for (int i = 0; i < prompts.Length; i++)
        {
            Assert.That(withAdapter[i].Ids, Is.EqualTo(fromMerged[i].Ids), $"prompt {i}");
            Assert.That(withAdapter[i].LogProbs, Is.EqualTo(fromMerged[i].LogProbs).Within(1e-4f), $"prompt {i}");
        }
        Assert.That(withAdapter.Select(s => s.LogProb), Is.Not.EqualTo(plain.Select(s => s.LogProb)), "the adapter changes sampling");
    }

    [Test]
    public void SaveThenLoad_RoundTripsConfigAndTensors_WithPeftKeys()
    {
        var model = new Gpt2Model(LoraLayerTests.TinyConfig, seed: 2);
        var options = new LoraOptions { Rank = 3, Alpha = 6, Dropout = 0.1, TargetModules = ["c_attn", "c_proj"], UseRsLora = true, Seed = 4 };
        var adapter = LoraAdapter.Create(new Gpt2LoraHost(model), options, "../base");
        var rng = new Rng(8);
        foreach (var p in adapter.Parameters) rng.FillNormal(p.AsSpan());
        var dir = Fixtures.Scratch("lora-roundtrip");
        adapter.Save(dir);

        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, PeftAdapterConfig.FileName)))!.AsObject();
        Assert.That(json["r"]!.GetValue<int>(), Is.EqualTo(3));
        Assert.That(json["lora_alpha"]!.GetValue<double>(), Is.EqualTo(6));
        Assert.That(json["lora_dropout"]!.GetValue<double>(), Is.EqualTo(0.1));
        Assert.That(json["use_rslora"]!.GetValue<bool>(), Is.True);
        Assert.That(json["fan_in_fan_out"]!.GetValue<bool>(), Is.True);
        Assert.That(json["peft_type"]!.GetValue<string>(), Is.EqualTo("LORA"));
        Assert.That(json["task_type"]!.GetValue<string>(), Is.EqualTo("CAUSAL_LM"));
        Assert.That(json["bias"]!.GetValue<string>(), Is.EqualTo("none"));
        Assert.That(json["base_model_name_or_path"]!.GetValue<string>(), Is.EqualTo("../base"));
        Assert.That(json["target_modules"]!.AsArray().Select(n => n!.GetValue<string>()), Is.EqualTo(new[] { "c_attn", "c_proj" }));
        using (var file = SafeTensorsFile.Open(Path.Combine(dir, PeftAdapterFolder.WeightsFile)))
        {
            Assert.That(file.Names, Has.Count.EqualTo(2 * 2 * 3), "A and B of c_attn, attn.c_proj, mlp.c_proj in 2 blocks");
            Assert.That(file.GetInfo("base_model.model.transformer.h.1.mlp.c_proj.lora_A.weight").Shape, Is.EqualTo(new[] { 3, 32 }));
            Assert.That(file.GetInfo("base_model.model.transformer.h.1.attn.c_attn.lora_B.weight").Shape, Is.EqualTo(new[] { 24, 3 }));
        }

        var copy = new Gpt2Model(LoraLayerTests.TinyConfig, seed: 2);
        var loaded = LoraAdapter.Load(dir, new Gpt2LoraHost(copy));
        Assert.That(loaded.Options.Scaling, Is.EqualTo(6 / Math.Sqrt(3)));
        Assert.That(loaded.Parameters.Select(p => p.Name), Is.EqualTo(adapter.Parameters.Select(p => p.Name)));
        for (int i = 0; i < adapter.Parameters.Count; i++)
            Assert.That(loaded.Parameters[i].ToArray(), Is.EqualTo(adapter.Parameters[i].ToArray()));
        using var _ = Tensor.NoGrad();
        Assert.That(copy.Forward([1, 2, 3], 1, 3).ToArray(), Is.EqualTo(model.Forward([1, 2, 3], 1, 3).ToArray()));
    }

    // ------------------------------------------------------------------ adapters that do not fit their base

    /// <summary>A copy of the adapter fixture in a scratch folder, with <paramref name="edit"/> applied to its config.</summary>
    private static string CopyFixture(Action<JsonObject>? edit = null, Func<Dictionary<string, Tensor>, IEnumerable<Tensor>>? tensors = null)
    {
        var dir = Fixtures.Scratch("lora-bad");
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(AdapterFixture, PeftAdapterConfig.FileName)))!.AsObject();
        config["base_model_name_or_path"] = Fixtures.TinyModel;
        edit?.Invoke(config);
        File.WriteAllText(Path.Combine(dir, PeftAdapterConfig.FileName), config.ToJsonString());
        using var file = SafeTensorsFile.Open(Path.Combine(AdapterFixture, PeftAdapterFolder.WeightsFile));
        var all = file.Names.ToDictionary(n => n, n => { var t = file.ReadTensor(n); t.Name = n; return t; });
        SafeTensorsWriter.Write(Path.Combine(dir, PeftAdapterFolder.WeightsFile), tensors?.Invoke(all) ?? all.Values);
        return dir;
    }

    private static ModelFormatException LoadFails(string dir) =>
        Assert.Throws<ModelFormatException>(() => LoraAdapter.Load(dir, new Gpt2LoraHost(Gpt2Checkpoint.Load(Fixtures.TinyModel))))!;

    [Test]
    public void Load_MissingModuleTensor_NamesTensorAndFile()
    {
        const string gone = "base_model.model.transformer.h.1.mlp.c_fc.lora_B.weight";
        var e = LoadFails(CopyFixture(tensors: all => all.Where(kv => kv.Key != gone).Select(kv => kv.Value)));
        Assert.That(e.Message, Does.Contain(gone).And.Contain(PeftAdapterFolder.WeightsFile).And.Contain("missing"));
    }

    [Test]
    public void Load_WrongShape_NamesTensorAndBothShapes()
    {
        const string name = "base_model.model.transformer.h.0.attn.c_attn.lora_A.weight";
        var e = LoadFails(CopyFixture(tensors: all => all.Select(kv =>
        {
            if (kv.Key != name) return kv.Value;
            var t = Tensor.Zeros(4, 64);
            t.Name = name;
            return t;
        })));
        Assert.That(e.Message, Does.Contain(name).And.Contain("[4, 64]").And.Contain("[4, 48]"));
    }

    [Test]
    public void Load_ModuleTheBaseDoesNotHave_SaysTheAdapterIsForAnotherBase()
    {
        var e = LoadFails(CopyFixture(tensors: all => all.Values.Append(Named(Tensor.Zeros(4, 48), "base_model.model.transformer.h.7.attn.c_attn.lora_A.weight"))));
        Assert.That(e.Message, Does.Contain("transformer.h.7.attn.c_attn").And.Contain("another base model"));
    }

    [Test]
    public void Load_TargetsMatchingNothing_NamesTheConfig()
    {
        var e = LoadFails(CopyFixture(c => c["target_modules"] = new JsonArray("q_proj", "v_proj")));
        Assert.That(e.Message, Does.Contain(PeftAdapterConfig.FileName).And.Contain("q_proj").And.Contain("c_attn"));
    }

    [TestCase("use_dora", "true", "DoRA")]
    [TestCase("bias", "\"all\"", "biases")]
    [TestCase("modules_to_save", "[\"lm_head\"]", "modules_to_save")]
    [TestCase("peft_type", "\"IA3\"", "other than LoRA")]
    [TestCase("r", "\"eight\"", "\"r\"")]
    [TestCase("target_modules", "null", "target_modules")]
    [TestCase("fan_in_fan_out", "false", "another model family")]
    public void Load_UnsupportedOrBadConfig_NamesTheKey(string key, string value, string expected)
    {
        var e = LoadFails(CopyFixture(c => c[key] = JsonNode.Parse(value)));
        Assert.That(e.Message, Does.Contain(PeftAdapterConfig.FileName).And.Contain(expected));
    }

    [Test]
    public void Load_TargetPattern_SelectsByRegularExpression()
    {
        var dir = CopyFixture(c => c["target_modules"] = @".*\.h\.0\.attn\.c_attn", all => all.Where(kv => kv.Key.Contains(".h.0.attn.c_attn.")).Select(kv => kv.Value));
        var adapter = LoraAdapter.Load(dir, new Gpt2LoraHost(Gpt2Checkpoint.Load(Fixtures.TinyModel)));
        Assert.That(adapter.Layers.Select(l => l.Path), Is.EqualTo(new[] { "transformer.h.0.attn.c_attn" }));
    }

    [Test]
    public void ResolveBase_HubIdOrMissingFolder_SaysItIsNotLocal()
    {
        var dir = CopyFixture(c => c["base_model_name_or_path"] = "meta-llama/Llama-3.2-1B");
        var e = Assert.Throws<ModelFormatException>(() => PeftAdapterFolder.ResolveBase(dir))!;
        Assert.That(e.Message, Does.Contain("meta-llama/Llama-3.2-1B").And.Contain("not a local folder"));
    }

    [Test]
    public void Load_NoWeightsFile_Throws()
    {
        var dir = CopyFixture();
        File.Delete(Path.Combine(dir, PeftAdapterFolder.WeightsFile));
        Assert.Throws<FileNotFoundException>(() => LoraAdapter.Load(dir, new Gpt2LoraHost(Gpt2Checkpoint.Load(Fixtures.TinyModel))));
    }

    private static Tensor Named(Tensor t, string name)
    {
        t.Name = name;
        return t;
    }
}
