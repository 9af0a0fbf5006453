using System.Text.Json;
using Rebel.Models.Gpt2;
using Rebel.Models.Gpt2.Modules;
using Rebel.Models.Lora;
using Rebel.Tensors;
using Rebel.Tensors.IO;

namespace Rebel.Models.Tests.Lora;

public class LoraLayerTests
{
    private static string LinearFixture => Path.Combine(Fixtures.Root, "lora", "linear.safetensors");

    /// <summary>The fixture's tensors and its r, α.</summary>
    private static (Dictionary<string, Tensor> T, int Rank, double Alpha) Linear()
    {
        using var file = SafeTensorsFile.Open(LinearFixture);
        var t = file.Names.ToDictionary(n => n, file.ReadTensor);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(LinearFixture, ".json")));
        return (t, doc.RootElement.GetProperty("r").GetInt32(), doc.RootElement.GetProperty("lora_alpha").GetDouble());
    }

    /// <summary>An [out, in] linear map (nn.Linear's layout, as Llama-family projections store it) for the tests.</summary>
    private sealed class OutByInLinear(Tensor weight) : IAdaptableLinear, ILoraHost
    {
        public int InputSize => Weight.Dim(1);
        public int OutputSize => Weight.Dim(0);
        public Tensor Weight { get; } = weight;
        public bool WeightIsTransposed => false;
        public LoraLayer? Adapter { get; set; }
        public IReadOnlyList<NamedLinear> Linears => [new("model.layers.0.self_attn.q_proj", this)];
        public IReadOnlyList<Tensor> BaseParameters => [Weight];
        public bool FanInFanOut => false;
        public Tensor Forward(Tensor x) => Tensor.MatMul(x, Weight.Transpose(0, 1)) + (Adapter?.Forward(x) ?? Tensor.Zeros(OutputSize));
    }

    private static void AssertClose(Tensor got, Tensor want, double tolerance, string what)
    {
        var g = got.ToArray();
        var w = want.ToArray();
        Assert.That(g, Has.Length.EqualTo(w.Length), what);
        double worst = 0;
        for (int i = 0; i < g.Length; i++) worst = Math.Max(worst, Math.Abs(g[i] - w[i]) / Math.Max(1, Math.Abs(w[i])));
        Assert.That(worst, Is.LessThanOrEqualTo(tolerance), $"{what}: worst relative difference {worst:E2}");
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Forward_MatchesPyTorchReference(bool rsLora)
    {
        var (t, r, alpha) = Linear();
        var options = new LoraOptions { Rank = r, Alpha = alpha, UseRsLora = rsLora };
        var layer = new LoraLayer(t["lora_A"], t["lora_B"], options.Scaling, 0, new Rng(1));
        var y = Tensor.MatMul(t["x"], t["weight"].Transpose(0, 1)) + t["bias"] + layer.Forward(t["x"]);
        AssertClose(y, t[rsLora ? "y_rslora" : "y_alpha_r"], 1e-5, "y");
        Assert.That(options.Scaling, Is.EqualTo(rsLora ? alpha / Math.Sqrt(r) : alpha / r));
    }

    [Test]
    public void Backward_MatchesPyTorchGradients()
    {
        var (t, r, alpha) = Linear();
        var x = t["x"];
        x.RequiresGrad = true;
        var layer = new LoraLayer(t["lora_A"], t["lora_B"], alpha / r, 0, new Rng(1));
        var y = Tensor.MatMul(x, t["weight"].Transpose(0, 1)) + t["bias"] + layer.Forward(x);
        (y * t["upstream"]).Sum().Backward();
        AssertClose(layer.A.Grad!, t["grad_A"], 1e-5, "∂L/∂A");
        AssertClose(layer.B.Grad!, t["grad_B"], 1e-5, "∂L/∂B");
        AssertClose(x.Grad!, t["grad_x"], 1e-5, "∂L/∂x");
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Merge_OutByInWeight_MatchesPyTorchMergedWeight(bool rsLora)
    {
        var (t, r, alpha) = Linear();
        var linear = new OutByInLinear(t["weight"]);
        var adapter = LoraAdapter.Create(linear, new LoraOptions { Rank = r, Alpha = alpha, UseRsLora = rsLora, TargetModules = ["q_proj"] });
        t["lora_A"].AsSpan().CopyTo(adapter.Layers[0].Layer.A.AsSpan());
        t["lora_B"].AsSpan().CopyTo(adapter.Layers[0].Layer.B.AsSpan());
        float[] adapted;
        using (Tensor.NoGrad()) adapted = linear.Forward(t["x"]).ToArray();
        adapter.Merge();
        Assert.That(linear.Adapter, Is.Null);
        AssertClose(linear.Weight, t[rsLora ? "merged_rslora" : "merged_alpha_r"], 1e-6, "W + s·B·A");
        using (Tensor.NoGrad()) AssertClose(linear.Forward(t["x"]), Tensor.FromArray(adapted, 2, 7, 5), 1e-5, "merged forward");
    }

    [Test]
    public void Merge_Conv1DWeight_AddsTheTransposedProduct()
    {
        var (t, r, alpha) = Linear();
        var conv = new Conv1D(6, 5, new Rng(3), 0.5f);
        t["weight"].Transpose(0, 1).Contiguous().AsSpan().CopyTo(conv.Weight.AsSpan());      // [in, out]
        t["bias"].AsSpan().CopyTo(conv.Bias.AsSpan());
        conv.Adapter = new LoraLayer(t["lora_A"], t["lora_B"], alpha / r, 0, new Rng(1));
        using (Tensor.NoGrad()) AssertClose(conv.Forward(t["x"]), t["y_alpha_r"], 1e-5, "Conv1D with adapter");
        var host = new SingleConv(conv);
        var adapter = LoraAdapter.Load(WriteAdapter(host, conv.Adapter), host);
        adapter.Merge();
        AssertClose(conv.Weight, t["merged_alpha_r"].Transpose(0, 1).Contiguous(), 1e-6, "W[in, out] + s·(B·A)ᵀ");
    }

    private sealed class SingleConv(Conv1D conv) : ILoraHost
    {
        public IReadOnlyList<NamedLinear> Linears => [new("transformer.h.0.mlp.c_fc", conv)];
        public IReadOnlyList<Tensor> BaseParameters => [conv.Weight, conv.Bias];
        public bool FanInFanOut => true;
    }

    /// <summary>Saves <paramref name="layer"/> as a PEFT folder for <paramref name="host"/> (through a fresh adapter's Save).</summary>
    private static string WriteAdapter(ILoraHost host, LoraLayer layer)
    {
        var fresh = LoraAdapter.Create(host, new LoraOptions { Rank = layer.Rank, Alpha = layer.Scaling * layer.Rank, TargetModules = ["c_fc"] });
        layer.A.AsSpan().CopyTo(fresh.Layers[0].Layer.A.AsSpan());
        layer.B.AsSpan().CopyTo(fresh.Layers[0].Layer.B.AsSpan());
        var dir = Fixtures.Scratch("lora-single");
        fresh.Save(dir, "base");
        fresh.Detach();
        return dir;
    }

    [Test]
    public void Forward_MatchesFiniteDifferences()
    {
        var (t, r, alpha) = Linear();
        var layer = new LoraLayer(t["lora_A"], t["lora_B"], alpha / r, 0, new Rng(1));
        var x = t["x"];
        x.RequiresGrad = true;
        var probe = t["upstream"];
        double Loss()
        {
            using var _ = Tensor.NoGrad();
            var y = layer.Forward(x).ToArray();
            var g = probe.ToArray();
            double s = 0;
            for (int i = 0; i < y.Length; i++) s += (double)y[i] * g[i];                       // L = Σ G ⊙ Δy, in double
            return s;
        }
        (layer.Forward(x) * probe).Sum().Backward();
        foreach (var (name, p) in new[] { ("x", x), ("A", layer.A), ("B", layer.B) })
        {
            var analytic = p.Grad!.ToArray();
            var data = p.AsSpan();
            const float h = 1e-2f;
            double diff2 = 0, norm2 = 0;
            for (int i = 0; i < data.Length; i++)
            {
                float saved = data[i];
                data[i] = saved + h; double up = Loss();
                data[i] = saved - h; double down = Loss();
                data[i] = saved;
                double numeric = (up - down) / (2 * h);
                diff2 += (numeric - analytic[i]) * (numeric - analytic[i]);
                norm2 += numeric * numeric;
            }
            Assert.That(Math.Sqrt(diff2 / norm2), Is.LessThan(1e-3), $"∂L/∂{name}");
        }
    }

    [Test]
    public void Create_FreshAdapter_ChangesNothingYet_FreezesTheBase_AndTrainsOnlyAB()
    {
        var model = new Gpt2Model(TinyConfig, seed: 1);
        var ids = new[] { 1, 2, 3, 4, 5, 6 };
        float[] before;
        using (Tensor.NoGrad()) before = model.Forward(ids, 1, 6).ToArray();
        var adapter = LoraAdapter.Create(new Gpt2LoraHost(model), new LoraOptions { Rank = 2, Alpha = 4, TargetModules = ["c_attn", "c_fc"] });
        Assert.That(adapter.Layers.Select(l => l.Path), Is.EqualTo(new[]
        {
            "transformer.h.0.attn.c_attn", "transformer.h.0.mlp.c_fc", "transformer.h.1.attn.c_attn", "transformer.h.1.mlp.c_fc",
        }));
        foreach (var (_, layer) in adapter.Layers)
        {
            Assert.That(layer.B.ToArray(), Is.All.EqualTo(0f), "B starts at zero");
            float bound = 1f / MathF.Sqrt(layer.InputSize);
            Assert.That(layer.A.ToArray(), Is.All.InRange(-bound, bound).And.Some.Not.EqualTo(0f));
        }
        using (Tensor.NoGrad()) Assert.That(model.Forward(ids, 1, 6).ToArray(), Is.EqualTo(before), "Δy = 0 while B = 0");
        Assert.That(adapter.Parameters, Has.Count.EqualTo(8));
        Assert.That(adapter.Parameters[0].Name, Is.EqualTo("base_model.model.transformer.h.0.attn.c_attn.lora_A.weight"));

        model.Forward(ids, 1, 6).Sum().Backward();
        Assert.That(model.Parameters.All(p => !p.Value.RequiresGrad && p.Value.Grad is null), Is.True, "base frozen: no gradient");
        Assert.That(adapter.Parameters.Where((_, i) => i % 2 == 1).All(b => b.Grad!.ToArray().Any(v => v != 0f)), Is.True, "∂L/∂B ≠ 0");
    }

    [Test]
    public void Dropout_SameSeed_SameMasks_OnlyWhileRecording()
    {
        float[] Run(ulong seed, double dropout, bool record)
        {
            var model = new Gpt2Model(TinyConfig, seed: 1);
            var adapter = LoraAdapter.Create(new Gpt2LoraHost(model), new LoraOptions { Rank = 2, Alpha = 4, Dropout = dropout, TargetModules = ["c_fc"], Seed = seed });
            foreach (var (_, layer) in adapter.Layers) layer.B.AsSpan().Fill(0.3f);
            using var _ = record ? null : Tensor.NoGrad();
            return model.Forward([1, 2, 3, 4], 1, 4).ToArray();
        }
        Assert.That(Run(5, 0.5, true), Is.EqualTo(Run(5, 0.5, true)), "same seed, same masks");
        Assert.That(Run(5, 0.5, true), Is.Not.EqualTo(Run(6, 0.5, true)), "another seed, other masks");
        Assert.That(Run(5, 0.5, true), Is.Not.EqualTo(Run(5, 0, true)), "dropout changes the training forward");
        Assert.That(Run(5, 0.5, false), Is.EqualTo(Run(5, 0, false)), "no dropout under NoGrad");
    }

    [Test]
    public void Options_Invalid_ThrowNamingEveryProblem()
    {
        var e = Assert.Throws<ArgumentException>(() => new LoraOptions { Rank = 0, Dropout = 1, TargetModules = [] }.Validate())!;
        Assert.That(e.Message, Does.Contain("r must be ≥ 1").And.Contain("lora_dropout").And.Contain("target_modules"));
    }

    [Test]
    public void Create_TargetsMatchingNothing_ThrowsListingTheModules()
    {
        var e = Assert.Throws<ArgumentException>(() => LoraAdapter.Create(new Gpt2LoraHost(new Gpt2Model(TinyConfig)), new LoraOptions { TargetModules = ["q_proj"] }))!;
        Assert.That(e.Message, Does.Contain("[q_proj]").And.Contain("c_attn"));
    }

    internal static Gpt2Config TinyConfig => new(VocabSize: 20, ContextLength: 8, EmbeddingSize: 8, Layers: 2, Heads: 2);
}
