using Rebel.Tensors;
using static Rebel.Tensors.Tests.GradCheck;

namespace Rebel.Tensors.Tests.Nn;

public class AttentionTests
{
    [TestCase(1, 1, 3, 1)]
    [TestCase(2, 5, 6, 2)]
    [TestCase(2, 7, 12, 3)]
    public void CausalSelfAttention_MatchesFiniteDifferences(int b, int t, int c, int heads) =>
        GradCheck.Verify(x => Tensor.CausalSelfAttention(x[0], x[1], x[2], heads),
            [Randn(91, b, t, c), Randn(92, b, t, c), Randn(93, b, t, c)]);

    [Test]
    public void CausalSelfAttention_WithPaddingMask_MatchesFiniteDifferences()
    {
        // Sequence 0 is right-padded (last two keys), sequence 1 left-padded (its first query sees no key at all).
        var mask = Tensor.FromArray([1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1], 2, 6);
        GradCheck.Verify(x => Tensor.CausalSelfAttention(x[0], x[1], x[2], 2, mask),
            [Randn(94, 2, 6, 8), Randn(95, 2, 6, 8), Randn(96, 2, 6, 8)]);
    }

    [Test]
    public void CausalSelfAttention_SlicesOfFusedQkv_MatchesFiniteDifferences()
    {
        var mask = Tensor.FromArray([1, 1, 1, 0, 0, 1, 1, 1, 1, 1], 2, 5);
        GradCheck.Verify(x =>
        {
            var parts = x[0].Split(-1, 6, 6, 6); // q, k, v views of [B, T, 3C] with row stride 3C
            return Tensor.CausalSelfAttention(parts[0], parts[1], parts[2], 3, mask);
        }, [Randn(97, 2, 5, 18)]);
    }

    [Test]
    public void CausalSelfAttention_LongerThanOneRowBlock_MatchesFiniteDifferences() =>
        GradCheck.Verify(x => Tensor.CausalSelfAttention(x[0], x[1], x[2], 2),
            [Randn(98, 1, 53, 2), Randn(99, 1, 53, 2), Randn(100, 1, 53, 2)]);

    [Test]
    public void CausalSelfAttention_MatchesComposedOps_ValuesAndGradients()
    {
        const int B = 3, T = 101, C = 16, H = 4;
        var maskValues = new float[B * T];
        for (int b = 0; b < B; b++) for (int j = 0; j < T; j++) maskValues[b * T + j] = j < T - 17 * b ? 1f : 0f; // right padding
        var mask = Tensor.FromArray(maskValues, B, T);
        var qkv = Tensor.Normal(new Rng(101), 1f, B, T, 3 * C);
        var weights = Randn(102, B, T, C);

        qkv.RequiresGrad = true;
        var p = qkv.Split(-1, C, C, C);
        var fused = Tensor.CausalSelfAttention(p[0], p[1], p[2], H, mask);
        (fused * weights).Sum().Backward();
        var fusedY = fused.ToArray();
        var fusedGrad = qkv.Grad!.ToArray();

        qkv.ZeroGrad();
        var r = qkv.Split(-1, C, C, C);
        var composed = ComposedAttention(r[0], r[1], r[2], H, maskValues, B, T);
        (composed * weights).Sum().Backward();
        AssertClose(fusedY, composed.ToArray(), 1e-5, "output");
        AssertClose(fusedGrad, qkv.Grad!.ToArray(), 1e-5, "gradient of qkv");
    }

    [Test]
    public void CausalSelfAttention_QueryWithNoVisibleKey_GivesZerosNotNaN()
    {
        var mask = Tensor.FromArray([0, 0, 1, 1], 1, 4);
        var q = Randn(103, 1, 4, 6); var k = Randn(104, 1, 4, 6); var v = Randn(105, 1, 4, 6);
        v.RequiresGrad = true;
        var y = Tensor.CausalSelfAttention(q, k, v, 3, mask);
        var ya = y.ToArray();
        Assert.That(ya.Take(12), Is.All.EqualTo(0f));        // queries 0 and 1 see only padding
        Assert.That(ya.Skip(12).Take(6), Is.EqualTo(v.ToArray().Skip(12).Take(6)).Within(1e-6f)); // query 2 sees key 2 only
        y.Sum().Backward();
        Assert.That(v.Grad!.ToArray().All(float.IsFinite));
        Assert.That(v.Grad!.ToArray().Take(12), Is.All.EqualTo(0f)); // padded keys get no gradient
    }

    [Test]
    public void CausalSelfAttention_BadShapes_ThrowNamingShapes()
    {
        var q = Randn(106, 2, 4, 6);
        var ex = Assert.Throws<ArgumentException>(() => Tensor.CausalSelfAttention(q, Randn(107, 2, 5, 6), q, 2));
        Assert.That(ex!.Message, Does.Contain("[2, 4, 6]").And.Contain("[2, 5, 6]"));
        Assert.Throws<ArgumentException>(() => Tensor.CausalSelfAttention(q, q, q, 4));           // 6 not divisible by 4
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.CausalSelfAttention(q, q, q, 0));
        var m = Assert.Throws<ArgumentException>(() => Tensor.CausalSelfAttention(q, q, q, 2, Tensor.Ones(2, 5)));
        Assert.That(m!.Message, Does.Contain("[2, 5]"));
        Assert.Throws<ArgumentException>(() => Tensor.CausalSelfAttention(Randn(108, 4, 6), Randn(109, 4, 6), Randn(110, 4, 6), 2));
    }

    /// <summary>The same attention from generic ops: split heads, masked scores, softmax, weighted values, merge.</summary>
    private static Tensor ComposedAttention(Tensor q, Tensor k, Tensor v, int heads, float[] mask, int b, int t)
    {
        int c = q.Dim(-1), d = c / heads;
        Tensor Heads(Tensor x) => x.Contiguous().Reshape(b, t, heads, d).Permute(0, 2, 1, 3); // [B, H, T, D]
        var additive = new float[b * t * t];
        for (int n = 0; n < b; n++)
            for (int i = 0; i < t; i++)
                for (int j = 0; j < t; j++)
                    additive[(n * t + i) * t + j] = j <= i && mask[n * t + j] != 0f ? 0f : -1e9f;
        var scores = Tensor.MatMul(Heads(q), Heads(k).Transpose(-1, -2)) * (1f / MathF.Sqrt(d))
                     + Tensor.FromArray(additive, b, 1, t, t);
        var y = Tensor.MatMul(scores.Softmax(), Heads(v));                                     // [B, H, T, D]
        return y.Permute(0, 2, 1, 3).Contiguous().Reshape(b, t, c);
    }

    private static void AssertClose(float[] actual, float[] expected, double tolerance, string what)
    {
        double diff = 0, norm = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            diff += (actual[i] - expected[i]) * (double)(actual[i] - expected[i]);
            norm += expected[i] * (double)expected[i];
        }
        Assert.That(Math.Sqrt(diff / Math.Max(norm, 1e-30)), Is.LessThanOrEqualTo(tolerance), what);
    }
}
