namespace Rebel.Tensors.Tests.Golden;

/// <summary>
/// Rebuilds the models of tools/make_golden_fixtures.py from Rebel ops with PyTorch's weights and checks logits,
/// loss and every parameter gradient against the PyTorch (float64) values to 1e-4 relative (norm-wise).
/// </summary>
public class GoldenTests
{
    [Test]
    public void Gpt_TwoLayerStackWithPaddingMask_MatchesPyTorch()
    {
        using var f = new GoldenFixture("gpt.safetensors");
        int b = f.Meta("B"), t = f.Meta("T"), v = f.Meta("V"), c = f.Meta("C"), heads = f.Meta("H"), layers = f.Meta("L");
        var parameters = f.Names.Where(n => !n.StartsWith("grad.", StringComparison.Ordinal)
                                            && n is not ("input_ids" or "key_mask" or "targets" or "logits" or "loss"))
                                .ToDictionary(n => n, f.Parameter);
        Tensor P(string name) => parameters[name];
        var ids = f.Ints("input_ids");                        // [B, T]
        var keyMask = f.Load("key_mask");                     // [B, T]
        var targets = f.Ints("targets");                      // [B, T−1], −100 where ignored

        var x = Tensor.Embedding(P("wte"), ids, b, t) + Tensor.Embedding(P("wpe"), Enumerable.Range(0, t).ToArray(), t); // (B, T, C)
        for (int l = 0; l < layers; l++)
        {
            string h = $"h.{l}.";
            var a = Tensor.LayerNorm(x, P(h + "ln_1.weight"), P(h + "ln_1.bias"));
            var qkv = Linear(a, P(h + "attn.c_attn.weight"), P(h + "attn.c_attn.bias"));             // (B, T, 3C)
            var parts = qkv.Split(-1, c, c, c);
            var y = Tensor.CausalSelfAttention(parts[0], parts[1], parts[2], heads, keyMask);       // (B, T, C)
            x = x + Linear(y, P(h + "attn.c_proj.weight"), P(h + "attn.c_proj.bias"));
            var m = Tensor.LayerNorm(x, P(h + "ln_2.weight"), P(h + "ln_2.bias"));
            m = Linear(m, P(h + "mlp.c_fc.weight"), P(h + "mlp.c_fc.bias")).Gelu();                  // (B, T, 4C)
            x = x + Linear(m, P(h + "mlp.c_proj.weight"), P(h + "mlp.c_proj.bias"));
        }
        x = Tensor.LayerNorm(x, P("ln_f.weight"), P("ln_f.bias"));
        var logits = Tensor.MatMul(x, P("wte").Transpose(0, 1));                                     // (B, T, V), tied head
        var loss = Tensor.CrossEntropy(logits.Slice(1, 0, t - 1).Reshape(-1, v), targets);
        loss.Backward();

        f.Compare("logits", logits);
        f.Compare("loss", loss);
        foreach (var (name, p) in parameters) f.Compare("grad." + name, p.Grad);
        f.AssertAll(2 + parameters.Count);
        Assert.That(parameters, Has.Count.EqualTo(4 + 12 * layers));
    }

    [Test]
    public void Mlp_GeluReluTanh_SquaredErrorAndLogSigmoid_MatchesPyTorch()
    {
        using var f = new GoldenFixture("mlp.safetensors");
        string[] names = ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias"];
        var p = names.ToDictionary(n => n, f.Parameter);
        var x = f.Load("x");                                   // (N, 5)
        var target = f.Load("target");                         // (N, 3)

        var h = Linear(x, p["fc1.weight"], p["fc1.bias"]).Gelu();
        h = Linear(h, p["fc2.weight"], p["fc2.bias"]).Relu();
        var o = Linear(h, p["fc3.weight"], p["fc3.bias"]).Tanh();                                   // (N, 3)
        var margin = o.Slice(1, 0, 1) - o.Slice(1, 1, 1);                                           // (N, 1)
        var loss = Tensor.SquaredError(o, target) - margin.LogSigmoid().Mean();
        loss.Backward();

        f.Compare("output", o);
        f.Compare("loss", loss);
        foreach (var n in names) f.Compare("grad." + n, p[n].Grad);
        f.AssertAll(2 + names.Length);
    }

    [Test]
    public void Compare_PerturbedGradient_IsReportedWithItsWorstDifference()
    {
        using var f = new GoldenFixture("mlp.safetensors");
        var g = f.Load("grad.fc1.weight");
        g.AsSpan()[3] += 1e-2f;
        f.Compare("grad.fc1.weight", g);
        var ex = Assert.Throws<AssertionException>(() => f.AssertAll(1));
        Assert.That(ex!.Message, Does.Contain("grad.fc1.weight").And.Contain("at 3"));
    }

    /// <summary>y = x·W + b with W [in, out] (GPT-2's Conv1D layout).</summary>
    private static Tensor Linear(Tensor x, Tensor w, Tensor b) => Tensor.MatMul(x, w) + b;
}
