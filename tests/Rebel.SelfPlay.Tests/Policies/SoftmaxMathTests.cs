using Rebel.SelfPlay.Policies;

namespace Rebel.SelfPlay.Tests.Policies;

public class SoftmaxMathTests
{
    [Test]
    public void Softmax_ZeroLogits_IsUniform()
    {
        var probs = new double[3];
        SoftmaxMath.Softmax(new double[3], probs);
        Assert.That(probs, Is.EqualTo(new[] { 1 / 3.0, 1 / 3.0, 1 / 3.0 }).Within(1e-15));
        var logProbs = new double[3];
        SoftmaxMath.LogSoftmax(new double[3], logProbs);
        Assert.That(logProbs[1], Is.EqualTo(-Math.Log(3)).Within(1e-15));
    }

    [Test]
    public void Softmax_HugeLogits_StayFiniteAndExact()
    {
        double[] logits = [1000, 999, -1000];
        var probs = new double[3];
        SoftmaxMath.Softmax(logits, probs);
        var e = Math.Exp(-1);
        Assert.That(probs[0], Is.EqualTo(1 / (1 + e)).Within(1e-13));
        Assert.That(probs[1], Is.EqualTo(e / (1 + e)).Within(1e-13));
        Assert.That(probs[2], Is.EqualTo(0).Within(1e-300));
        var logProbs = new double[3];
        SoftmaxMath.LogSoftmax(logits, logProbs);
        Assert.That(logProbs[2], Is.EqualTo(-2000 - Math.Log(1 + e)).Within(1e-9));
    }

    [Test]
    public void Normalize_ShiftsLogitsToLogProbabilities()
    {
        double[] logits = [2, -1, 0.5];
        var expected = new double[3];
        SoftmaxMath.LogSoftmax(logits, expected);
        SoftmaxMath.Normalize(logits);
        Assert.That(logits, Is.EqualTo(expected).Within(1e-15));
        Assert.That(SoftmaxMath.LogSumExp(logits), Is.EqualTo(0).Within(1e-15));
    }
}
