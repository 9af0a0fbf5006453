using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using Rebel.Models.Gpt2;
using Rebel.Models.Llama;
using Rebel.Tensors;
using Rebel.Tensors.IO;

namespace Rebel.Models.Tests.Llama;

public class LlamaCheckpointTests
{
    private static string ModelDir(string name) => LlamaFixture.Load(name).ModelDir;

    /// <summary>A scratch copy of a fixture's model folder.</summary>
    private static string CopyOf(string name)
    {
        var dir = Fixtures.Scratch(name);
        foreach (var file in Directory.GetFiles(ModelDir(name))) File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
        return dir;
    }

    private static void EditConfig(string dir, Action<JsonObject> edit)
    {
        var path = Path.Combine(dir, LlamaConfig.ConfigFile);
        var obj = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(obj);
        File.WriteAllText(path, obj.ToJsonString());
    }

    [TestCase("qwen2-tied-bf16")]
    [TestCase("mistral-f16")]
    [TestCase("llama-gqa-llama3")]
    public void Save_AfterLoad_WritesTheWeightsFileByteForByte(string name)
    {
        var model = LlamaCheckpoint.Load(ModelDir(name));
        var output = Fixtures.Scratch(name + "-saved");
        ModelFolder.Save(output, model, tokenizer: null);
        Assert.That(File.ReadAllBytes(Path.Combine(output, SafeTensorsCheckpoint.SingleFile)),
            Is.EqualTo(File.ReadAllBytes(Path.Combine(ModelDir(name), SafeTensorsCheckpoint.SingleFile))));
        var again = LlamaCheckpoint.Load(output);
        Assert.That(again.Config, Is.EqualTo(model.Config).Using<LlamaConfig>((a, b) => a.ToString() == b.ToString()));
    }

    [Test]
    public void Save_AboveTheShardLimit_WritesShardsWithinItAndAnIndex_RoundTripsEveryTensorExactly()
    {
        var model = LlamaCheckpoint.Load(ModelDir("qwen3-sharded"));
        var output = Fixtures.Scratch("qwen3-resharded");
        const long limit = 20_000;                                                     // lowered from 5 GB for the test
        LlamaCheckpoint.WriteFiles(output, model, tokenizer: null, maxShardBytes: limit);
        Assert.That(File.Exists(Path.Combine(output, SafeTensorsCheckpoint.SingleFile)), Is.False);

        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(output, SafeTensorsCheckpoint.IndexFile)))!;
        var map = index["weight_map"]!.AsObject();
        Assert.That(map.Select(kv => kv.Key), Is.EquivalentTo(model.Parameters.Select(p => p.Name)), "every tensor is in the index");
        long total = model.Parameters.Sum(p => 4L * p.Value.Size);                     // F32
        Assert.That(index["metadata"]!["total_size"]!.GetValue<long>(), Is.EqualTo(total));
        var shards = map.GroupBy(kv => kv.Value!.GetValue<string>()).ToList();
        Assert.That(shards.Count, Is.GreaterThanOrEqualTo((int)Math.Ceiling(total / (double)limit)));
        foreach (var shard in shards)
        {
            Assert.That(shard.Key, Does.Match($@"^model-\d{{5}}-of-{shards.Count:D5}\.safetensors$"));
            long bytes = shard.Sum(kv => 4L * model.Parameters.Single(p => p.Name == kv.Key).Value.Size);
            Assert.That(bytes <= limit || shard.Count() == 1, Is.True, $"{shard.Key} holds {bytes} bytes in {shard.Count()} tensors");
        }

        var again = LlamaCheckpoint.Load(output);
        for (int i = 0; i < model.Parameters.Count; i++)
            Assert.That(again.Parameters[i].Value.ToArray(), Is.EqualTo(model.Parameters[i].Value.ToArray()), model.Parameters[i].Name);
    }

    [Test]
    public void Save_ShardedCheckpointBelowFiveGigabytes_WritesOneFileWithoutIndex()
    {
        var model = LlamaCheckpoint.Load(ModelDir("qwen3-sharded"));
        Assert.That(LlamaCheckpoint.DefaultMaxShardBytes, Is.EqualTo(5_000_000_000L), "Hugging Face's default max_shard_size");
        var output = Fixtures.Scratch("qwen3-unsharded");
        ModelFolder.Save(output, model, tokenizer: null);
        Assert.That(Directory.GetFiles(output).Select(Path.GetFileName).Where(n => n!.EndsWith(".safetensors", StringComparison.Ordinal) || n.EndsWith(".json", StringComparison.Ordinal)),
            Is.EquivalentTo(new[] { SafeTensorsCheckpoint.SingleFile, LlamaConfig.ConfigFile, LlamaConfig.GenerationConfigFile }));
        var again = LlamaCheckpoint.Load(output);
        for (int i = 0; i < model.Parameters.Count; i++)
            Assert.That(again.Parameters[i].Value.ToArray(), Is.EqualTo(model.Parameters[i].Value.ToArray()), model.Parameters[i].Name);
    }

    [TestCase(0.5, true)]
    [TestCase(1.0, false)]
    public void Load_PartialRotaryFactor_OtherThanOne_IsRefusedNamingIt(double factor, bool refused)
    {
        var dir = CopyOf("mistral-f16");
        EditConfig(dir, c => c["partial_rotary_factor"] = factor);
        if (!refused)
        {
            Assert.That(ModelFolder.Load(dir), Is.Not.Null);
            return;
        }
        var ex = Assert.Throws<ModelFormatException>(() => ModelFolder.Load(dir))!;
        Assert.That(ex.Message, Does.Contain("partial_rotary_factor").And.Contain("0.5").And.Contain("config.json"));
    }

    [Test]
    public void Load_ReadsConfigAndGenerationConfig()
    {
        var config = LlamaCheckpoint.Load(ModelDir("llama-gqa-llama3")).Config;
        Assert.That((config.Family, config.Heads, config.KvHeads, config.HeadDim, config.HiddenSize), Is.EqualTo((LlamaFamily.Llama, 4, 2, 16, 48)));
        Assert.That(config.RopeScaling!.Type, Is.EqualTo("llama3"));
        Assert.That((config.AttentionBias, config.OutputBias, config.TieWordEmbeddings), Is.EqualTo((true, true, false)));
        Assert.That(config.EosIds, Has.Count.EqualTo(2), "generation_config.json's eos list wins over config.json's single id");
        var qwen2 = LlamaCheckpoint.Load(ModelDir("qwen2-tied-bf16"));
        Assert.That((qwen2.Config.AttentionBias, qwen2.Config.OutputBias, qwen2.LmHead), Is.EqualTo((true, false, (object?)null)));
        Assert.That(qwen2.Config.SlidingWindow, Is.Null, "use_sliding_window = false");
        Assert.That(qwen2.StorageTypes.Values.Distinct(), Is.EqualTo(new[] { SafeTensorsDType.BF16 }));
    }

    [Test]
    public void Load_UnknownModelType_ListsSupportedTypes()
    {
        var dir = CopyOf("mistral-f16");
        EditConfig(dir, c => c["model_type"] = "phi3");
        var ex = Assert.Throws<ModelFormatException>(() => ModelFolder.Load(dir));
        Assert.That(ex!.Message, Does.Contain("phi3").And.Contain("gpt2, llama, mistral, qwen2, qwen3").And.Contain("config.json"));
    }

    [Test]
    public void Load_UnsupportedRopeScaling_NamesIt()
    {
        var dir = CopyOf("mistral-f16");
        EditConfig(dir, c => c["rope_scaling"] = new JsonObject { ["rope_type"] = "yarn", ["factor"] = 4.0 });
        var ex = Assert.Throws<ModelFormatException>(() => ModelFolder.Load(dir));
        Assert.That(ex!.Message, Does.Contain("\"yarn\"").And.Contain("linear, llama3"));
    }

    [Test]
    public void Load_WrongShape_NamesTensorFileAndBothShapes()
    {
        var dir = CopyOf("mistral-f16");
        EditConfig(dir, c => c["intermediate_size"] = 60);
        var ex = Assert.Throws<ModelFormatException>(() => ModelFolder.Load(dir));
        Assert.That(ex!.Message, Does.Contain("model.layers.0.mlp.gate_proj.weight").And.Contain("[64, 32]").And.Contain("[60, 32]").And.Contain("model.safetensors"));
    }

    [Test]
    public void Load_MissingTensor_NamesIt()
    {
        var dir = CopyOf("mistral-f16");
        var path = Path.Combine(dir, SafeTensorsCheckpoint.SingleFile);
        using (var file = SafeTensorsFile.Open(path))
        {
            var kept = file.Names.Where(n => n != "model.norm.weight")
                .Select(n => (n, file.GetInfo(n).Shape.ToArray(), (ReadOnlyMemory<float>)file.ReadFloat32(n), SafeTensorsDType.F16)).ToList();
            file.Dispose();
            SafeTensorsWriter.Write(path, kept);
        }
        var ex = Assert.Throws<ModelFormatException>(() => ModelFolder.Load(dir));
        Assert.That(ex!.Message, Does.Contain("missing tensor \"model.norm.weight\""));
    }

    [Test]
    public void Load_UnreadableDtype_NamesTensorAndDtype()
    {
        var dir = CopyOf("mistral-f16");
        var path = Path.Combine(dir, SafeTensorsCheckpoint.SingleFile);
        // Re-label model.norm.weight (32 F16 values, 64 bytes) as I16: same size, a dtype that cannot be read as float32.
        var bytes = File.ReadAllBytes(path);
        long n = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        var header = JsonNode.Parse(Encoding.UTF8.GetString(bytes, 8, (int)n))!.AsObject();
        header["model.norm.weight"]!["dtype"] = "I16";
        var text = Encoding.UTF8.GetBytes(header.ToJsonString().PadRight((int)n));
        Assert.That(text, Has.Length.EqualTo(n));
        text.CopyTo(bytes, 8);
        File.WriteAllBytes(path, bytes);
        var ex = Assert.Throws<ModelFormatException>(() => ModelFolder.Load(dir));
        Assert.That(ex!.Message, Does.Contain("model.norm.weight").And.Contain("I16"));
    }

    [Test]
    public void Load_ShardMissing_NamesShardAndTensor()
    {
        var dir = CopyOf("qwen3-sharded");
        File.Delete(Path.Combine(dir, "model-00002-of-00003.safetensors"));
        var ex = Assert.Throws<SafeTensorsFormatException>(() => ModelFolder.Load(dir));
        Assert.That(ex!.Message, Does.Contain("model-00002-of-00003.safetensors").And.Contain("tensor \"model.layers."));
    }

    [Test]
    public void Load_TruncatedShard_NamesFile()
    {
        var dir = CopyOf("qwen3-sharded");
        var shard = Path.Combine(dir, "model-00003-of-00003.safetensors");
        File.WriteAllBytes(shard, File.ReadAllBytes(shard)[..^10]);
        var ex = Assert.Throws<SafeTensorsFormatException>(() => ModelFolder.Load(dir));
        Assert.That(ex!.Message, Does.Contain("model-00003-of-00003.safetensors"));
    }

    [Test]
    public void Load_MissingConfig_IsFileNotFound()
    {
        var dir = CopyOf("mistral-f16");
        File.Delete(Path.Combine(dir, LlamaConfig.ConfigFile));
        Assert.Throws<FileNotFoundException>(() => ModelFolder.Load(dir));
    }

    [Test]
    public void Forward_LongerThanSlidingWindow_IsRefusedNamingIt()
    {
        var dir = CopyOf("mistral-f16");
        EditConfig(dir, c => c["sliding_window"] = 8);
        var model = ModelFolder.Load(dir);
        Assert.That(model.ContextLength, Is.EqualTo(8));
        var ex = Assert.Throws<ArgumentException>(() => model.Forward(new int[12], 1, 12));
        Assert.That(ex!.Message, Does.Contain("sliding_window of 8"));
        Assert.DoesNotThrow(() => model.Forward(new int[8], 1, 8));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Backward_ReachesEveryParameter(bool tied)
    {
        var config = LlamaConfig.Create(LlamaFamily.Qwen3, vocabSize: 31, hiddenSize: 16, intermediateSize: 24, layers: 2, heads: 4, kvHeads: 2,
            maxPositions: 16, headDim: 6, tieWordEmbeddings: tied);
        var model = new LlamaModel(config, seed: 3);
        var ids = Enumerable.Range(0, 10).Select(i => (i * 7) % 31).ToArray();
        var mask = new float[] { 1, 1, 1, 1, 1, 0, 0, 1, 1, 1 };
        var logits = model.Forward(ids, 2, 5, mask);
        logits.LogSoftmax().GatherLast(ids).Sum().Backward();
        foreach (var (name, value) in model.Parameters)
            Assert.That(value.Grad is not null && value.Grad.ToArray().Any(g => g != 0f), name);
    }
}
