using Rebel.Tensors.Kernels;

namespace Rebel.Tensors.Tests.Kernels;

/// <summary>The public <see cref="RopeKernels"/>: the rotation against a double reference, its inverse, and bad arguments.</summary>
[TestFixture]
public class RopeKernelsTests
{
    private const int Heads = 3, D = 8, F = D / 2;
    private static readonly RotaryTable Table = new(Enumerable.Range(0, F).Select(i => Math.Pow(10000, -2.0 * i / D)).ToArray(), 12);

    [Test]
    public void Forward_MatchesRotateHalf_AndBackwardUndoesIt()
    {
        int[] positions = [0, 5, 11, 3];
        var x = new float[positions.Length * Heads * D];
        new Rng(7).FillNormal(x);
        var y = new float[x.Length];
        RopeKernels.Forward(x, positions, Table.CosSpan, Table.SinSpan, y, Heads, D);
        for (int n = 0; n < positions.Length; n++)
            for (int h = 0; h < Heads; h++)
                for (int i = 0; i < F; i++)
                {
                    int o = (n * Heads + h) * D;
                    double theta = (float)positions[n] * (float)Math.Pow(10000, -2.0 * i / D);
                    Assert.That(y[o + i], Is.EqualTo(x[o + i] * Math.Cos(theta) - x[o + i + F] * Math.Sin(theta)).Within(1e-5));
                    Assert.That(y[o + i + F], Is.EqualTo(x[o + i + F] * Math.Cos(theta) + x[o + i] * Math.Sin(theta)).Within(1e-5));
                }
        var back = new float[x.Length];
        RopeKernels.Backward(y, positions, Table.CosSpan, Table.SinSpan, back, Heads, D);  // Rᵀ = R⁻¹
        for (int i = 0; i < x.Length; i++) Assert.That(back[i], Is.EqualTo(x[i]).Within(1e-5));
    }

    [Test]
    public void Forward_BadArguments_ThrowBeforeWriting()
    {
        var x = new float[2 * Heads * D];
        Array.Fill(x, 1f);
        var y = new float[x.Length];
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => RopeKernels.Forward(x, [1, 12], Table.CosSpan, Table.SinSpan, y, Heads, D));
        Assert.That(e!.Message, Does.Contain("position 12 of row 1"));
        Assert.Throws<ArgumentOutOfRangeException>(() => RopeKernels.Forward(x, [0, -1], Table.CosSpan, Table.SinSpan, y, Heads, D));
        Assert.Throws<ArgumentOutOfRangeException>(() => RopeKernels.Forward(new float[2 * Heads * 7], [0, 1], Table.CosSpan, Table.SinSpan, y, Heads, 7));
        Assert.Throws<ArgumentException>(() => RopeKernels.Forward(x, [0], Table.CosSpan, Table.SinSpan, y, Heads, D));          // x is 2 rows
        Assert.Throws<ArgumentException>(() => RopeKernels.Forward(x, [0, 1], Table.CosSpan, Table.SinSpan, y.AsSpan(1), Heads, D));
        Assert.Throws<ArgumentException>(() => RopeKernels.Forward(x, [0, 1], Table.CosSpan, Table.SinSpan[1..], y, Heads, D));
        Assert.That(y, Is.All.EqualTo(0f), "nothing written");
    }
}
