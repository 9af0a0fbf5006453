using Rebel.Tensors;
using static Rebel.Tensors.Tests.GradCheck;

namespace Rebel.Tensors.Tests;

public class ElementwiseGradTests
{
    private static readonly (int[] A, int[] B)[] BroadcastCases =
    [
        ([3, 5], [3, 5]),
        ([2, 3, 5], [5]),
        ([3, 1, 5], [4, 1]),
        ([1], [2, 3]),
        ([2, 1, 3], [2, 4, 1]),
        ([7], []),
    ];

    [TestCaseSource(nameof(BroadcastCases))]
    public void Add_Broadcast_MatchesFiniteDifferences((int[] A, int[] B) c) =>
        GradCheck.Verify(x => x[0] + x[1], [Randn(1, c.A), Randn(2, c.B)]);

    [TestCaseSource(nameof(BroadcastCases))]
    public void Subtract_Broadcast_MatchesFiniteDifferences((int[] A, int[] B) c) =>
        GradCheck.Verify(x => x[0] - x[1], [Randn(3, c.A), Randn(4, c.B)]);

    [TestCaseSource(nameof(BroadcastCases))]
    public void Multiply_Broadcast_MatchesFiniteDifferences((int[] A, int[] B) c) =>
        GradCheck.Verify(x => x[0] * x[1], [Randn(5, c.A), Randn(6, c.B)]);

    [TestCaseSource(nameof(BroadcastCases))]
    public void Divide_Broadcast_MatchesFiniteDifferences((int[] A, int[] B) c) =>
        GradCheck.Verify(x => x[0] / x[1], [Randn(7, c.A), RandPositive(8, c.B)]);

    [Test]
    public void ScalarOps_MatchFiniteDifferences() =>
        GradCheck.Verify(x => (x[0] * 3f + 2f) / 4f - 1f, [Randn(9, 3, 7)]);

    [Test]
    public void Exp_MatchesFiniteDifferences() => GradCheck.Verify(x => x[0].Exp(), [Randn(10, 4, 5)]);

    [Test]
    public void Log_MatchesFiniteDifferences() => GradCheck.Verify(x => x[0].Log(), [RandPositive(11, 4, 5)]);

    [Test]
    public void Tanh_MatchesFiniteDifferences() => GradCheck.Verify(x => x[0].Tanh(), [Randn(12, 3, 9)]);

    [Test]
    public void Sigmoid_MatchesFiniteDifferences() => GradCheck.Verify(x => x[0].Sigmoid(), [Randn(13, 3, 9)]);

    [Test]
    public void LogSigmoid_MatchesFiniteDifferences() => GradCheck.Verify(x => (x[0] * 4f).LogSigmoid(), [Randn(14, 3, 9)]);

    [Test]
    public void Gelu_MatchesFiniteDifferences() => GradCheck.Verify(x => x[0].Gelu(), [Randn(15, 5, 7)]);

    [Test]
    public void Relu_AwayFromKink_MatchesFiniteDifferences()
    {
        var x = Randn(16, 4, 6);
        var s = x.AsSpan();
        for (int i = 0; i < s.Length; i++) if (MathF.Abs(s[i]) < 0.1f) s[i] = 0.5f; // keep ±h off the kink
        GradCheck.Verify(t => t[0].Relu(), [x]);
    }

    [Test]
    public void Square_And_Sqrt_MatchFiniteDifferences()
    {
        GradCheck.Verify(x => x[0].Square(), [Randn(17, 3, 3)]);
        GradCheck.Verify(x => x[0].Sqrt(), [RandPositive(18, 3, 3)]);
    }

    [Test]
    public void Add_IncompatibleShapes_ThrowsWithBothShapes()
    {
        var e = Assert.Throws<ArgumentException>(() => _ = Tensor.Zeros(2, 3) + Tensor.Zeros(4))!;
        Assert.That(e.Message, Does.Contain("[2, 3]").And.Contain("[4]"));
    }

    [Test]
    public void Forward_Values_AreCorrect()
    {
        var a = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        var b = Tensor.FromArray([10f, 20f, 30f], 3);
        Assert.That((a + b).ToArray(), Is.EqualTo(new[] { 11f, 22f, 33f, 14f, 25f, 36f }));
        Assert.That((b / a).ToArray(), Is.EqualTo(new[] { 10f, 10f, 10f, 2.5f, 4f, 5f }));
        Assert.That(Tensor.FromArray([0f], 1).Gelu().Item(), Is.EqualTo(0f));
        Assert.That(Tensor.FromArray([-1000f], 1).LogSigmoid().Item(), Is.EqualTo(-1000f).Within(1e-3));
    }

    [Test]
    public void Gelu_MatchesTheTanhFormInDouble_AcrossMagnitudesAndVectorTails()
    {
        // Lengths around the 8-wide vector body exercise the scalar tail; large |x| the saturated ends (no NaN, y → x or 0).
        float[] samples = [-1e4f, -60f, -12f, -5f, -2.5f, -1f, -0.3f, -1e-3f, 0f, 1e-3f, 0.3f, 1f, 2.5f, 5f, 12f, 60f, 1e4f];
        for (int length = 1; length <= samples.Length; length++)
        {
            var x = samples.Take(length).ToArray();
            var y = Tensor.FromArray(x, length).Gelu().ToArray();
            for (int i = 0; i < length; i++)
            {
                double v = x[i];
                double expected = 0.5 * v * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
                Assert.That(y[i], Is.EqualTo(expected).Within(1e-6 * Math.Max(1, Math.Abs(expected)) + 1e-7), $"GELU({x[i]}) at length {length}");
            }
        }
    }
}
