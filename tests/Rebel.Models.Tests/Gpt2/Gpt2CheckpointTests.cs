using System.Text.Json.Nodes;
using Rebel.Models.Gpt2;
using Rebel.Tensors;
using Rebel.Tensors.IO;

namespace Rebel.Models.Tests.Gpt2;

public class Gpt2CheckpointTests
{
    [Test]
    public void Load_HuggingFaceLayout_ReadsConfigAndEveryTensor()
    {
        var model = Gpt2Checkpoint.Load(Fixtures.TinyModel);
        Assert.That(model.Config, Is.EqualTo(new Gpt2Config(101, 40, 48, 2, 4, 1e-5f, Gpt2Activation.GeluTanh, 100, 100)));
        using var file = SafeTensorsFile.Open(Path.Combine(Fixtures.TinyModel, "model.safetensors"));
        foreach (var (name, value) in model.Parameters)
            Assert.That(value.ToArray(), Is.EqualTo(file.ReadFloat32("transformer." + name)), name);
    }

    [Test]
    public void SaveThenLoad_RoundTripsConfigAndWeights()
    {
        var model = new Gpt2Model(new Gpt2Config(50, 16, 24, 2, 3, EosTokenId: 49), seed: 7);
        var dir = Path.Combine(Fixtures.Scratch("save"), "model");
        Gpt2Checkpoint.Save(dir, model, d => File.WriteAllText(Path.Combine(d, "extra.txt"), "tokenizer"));
        Gpt2Checkpoint.Save(dir, model); // replacing an existing directory works too
        var loaded = Gpt2Checkpoint.Load(dir);
        Assert.That(loaded.Config, Is.EqualTo(model.Config));
        for (int i = 0; i < model.Parameters.Count; i++)
            Assert.That(loaded.Parameters[i].Value.ToArray(), Is.EqualTo(model.Parameters[i].Value.ToArray()), model.Parameters[i].Name);
        Assert.That(Directory.GetDirectories(Path.GetDirectoryName(dir)!), Has.Length.EqualTo(1), "no temporary directories left");
    }

    [Test]
    public void Constructor_SameSeed_SameWeights_ResidualProjectionsScaled()
    {
        var config = new Gpt2Config(64, 16, 32, 8, 4);
        var a = new Gpt2Model(config, seed: 3);
        var b = new Gpt2Model(config, seed: 3);
        Assert.That(a.Parameters.Select(p => p.Name), Is.EqualTo(b.Parameters.Select(p => p.Name)));
        Assert.That(a.Wte.Weight.ToArray(), Is.EqualTo(b.Wte.Weight.ToArray()));
        double Std(Tensor t) { var v = t.ToArray(); double m = v.Average(); return Math.Sqrt(v.Average(x => (x - m) * (x - m))); }
        Assert.That(Std(a.Blocks[0].Attn.CAttn.Weight), Is.EqualTo(0.02).Within(0.002));
        Assert.That(Std(a.Blocks[0].Mlp.CProj.Weight), Is.EqualTo(0.02 / Math.Sqrt(16)).Within(0.0005));
        Assert.That(a.Parameters[2].Name, Is.EqualTo("h.0.ln_1.weight"));
    }

    [Test]
    public void Load_WithoutPrefixAndHalfPrecision_Works()
    {
        var model = new Gpt2Model(new Gpt2Config(20, 8, 8, 1, 2), seed: 1);
        var dir = Fixtures.Scratch("noprefix");
        model.Config.Save(Path.Combine(dir, "config.json"));
        WriteSafeTensors(Path.Combine(dir, "model.safetensors"), model.Parameters.Select(p => (p.Name, p.Value.ShapeArray, p.Value.ToArray())), "BF16");
        var loaded = Gpt2Checkpoint.Load(dir);
        var want = model.Wte.Weight.ToArray();
        var got = loaded.Wte.Weight.ToArray();
        for (int i = 0; i < want.Length; i++) Assert.That(got[i], Is.EqualTo(want[i]).Within(Math.Abs(want[i]) / 128 + 1e-6));
    }

    [Test]
    public void Load_MissingTensor_NamesIt()
    {
        var dir = CopyOfFixtureWithout("transformer.h.1.mlp.c_fc.bias");
        var e = Assert.Throws<ModelFormatException>(() => Gpt2Checkpoint.Load(dir));
        Assert.That(e!.Message, Does.Contain("transformer.h.1.mlp.c_fc.bias").And.Contain("[192]"));
    }

    [Test]
    public void Load_WrongShape_NamesTensorAndBothShapes()
    {
        var dir = Fixtures.Scratch("shape");
        File.Copy(Path.Combine(Fixtures.TinyModel, "model.safetensors"), Path.Combine(dir, "model.safetensors"));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(Fixtures.TinyModel, "config.json")))!;
        config["n_positions"] = 30;
        File.WriteAllText(Path.Combine(dir, "config.json"), config.ToJsonString());
        var e = Assert.Throws<ModelFormatException>(() => Gpt2Checkpoint.Load(dir));
        Assert.That(e!.Message, Does.Contain("transformer.wpe.weight").And.Contain("[40, 48]").And.Contain("[30, 48]"));
    }

    [TestCase("gelu", "unsupported activation_function \"gelu\"")]
    [TestCase("swish", "unsupported activation_function \"swish\"")]
    public void Load_UnknownActivation_Throws(string activation, string message)
    {
        var dir = Fixtures.Scratch("act");
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(Fixtures.TinyModel, "config.json")))!;
        config["activation_function"] = activation;
        File.WriteAllText(Path.Combine(dir, "config.json"), config.ToJsonString());
        var e = Assert.Throws<ModelFormatException>(() => Gpt2Config.Load(Path.Combine(dir, "config.json")));
        Assert.That(e!.Message, Does.Contain(message));
    }

    [Test]
    public void Load_BadConfig_Throws()
    {
        var dir = Fixtures.Scratch("cfg");
        var path = Path.Combine(dir, "config.json");
        File.WriteAllText(path, "{\"vocab_size\": 10, \"n_positions\": 8, \"n_embd\": 10, \"n_layer\": 1, \"n_head\": 3}");
        Assert.That(() => Gpt2Config.Load(path), Throws.TypeOf<ModelFormatException>().With.Message.Contains("multiple of n_head"));
        File.WriteAllText(path, "{\"vocab_size\": 10, \"n_embd\": 12, \"n_layer\": 1, \"n_head\": 3}");
        Assert.That(() => Gpt2Config.Load(path), Throws.TypeOf<ModelFormatException>().With.Message.Contains("missing key \"n_positions\""));
        Assert.That(() => Gpt2Checkpoint.Load(Path.Combine(dir, "nope")), Throws.TypeOf<DirectoryNotFoundException>());
    }

    [Test]
    public void Load_UntiedHead_IsRefused()
    {
        var model = new Gpt2Model(new Gpt2Config(20, 8, 8, 1, 2), seed: 1);
        var dir = Fixtures.Scratch("untied");
        model.Config.Save(Path.Combine(dir, "config.json"));
        var tensors = model.Parameters.Select(p => (p.Name, p.Value.ShapeArray, p.Value.ToArray())).ToList();
        tensors.Add(("lm_head.weight", [20, 8], new float[160]));
        WriteSafeTensors(Path.Combine(dir, "model.safetensors"), tensors, "F32");
        Assert.That(() => Gpt2Checkpoint.Load(dir), Throws.TypeOf<ModelFormatException>().With.Message.Contains("untied"));
    }

    private static string CopyOfFixtureWithout(string tensor)
    {
        var dir = Fixtures.Scratch("missing");
        File.Copy(Path.Combine(Fixtures.TinyModel, "config.json"), Path.Combine(dir, "config.json"));
        using var file = SafeTensorsFile.Open(Path.Combine(Fixtures.TinyModel, "model.safetensors"));
        WriteSafeTensors(Path.Combine(dir, "model.safetensors"),
            file.Tensors.Where(t => t.Name != tensor).Select(t => (t.Name, t.Shape.ToArray(), file.ReadFloat32(t.Name))), "F32");
        return dir;
    }

    /// <summary>Writes a safetensors file in F32 or BF16 (truncating) — the library writer only writes F32.</summary>
    private static void WriteSafeTensors(string path, IEnumerable<(string Name, int[] Shape, float[] Data)> tensors, string dtype)
    {
        var list = tensors.ToList();
        int size = dtype == "BF16" ? 2 : 4;
        var header = new JsonObject();
        long offset = 0;
        foreach (var (name, shape, data) in list)
        {
            header[name] = new JsonObject
            {
                ["dtype"] = dtype,
                ["shape"] = new JsonArray(shape.Select(s => (JsonNode)s).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + (long)data.Length * size),
            };
            offset += (long)data.Length * size;
        }
        var text = System.Text.Encoding.UTF8.GetBytes(header.ToJsonString());
        using var stream = File.Create(path);
        stream.Write(BitConverter.GetBytes((ulong)text.Length));
        stream.Write(text);
        foreach (var (_, _, data) in list)
            foreach (var v in data)
            {
                var bytes = BitConverter.GetBytes(v);
                stream.Write(size == 2 ? bytes.AsSpan(2, 2) : bytes);
            }
    }
}
