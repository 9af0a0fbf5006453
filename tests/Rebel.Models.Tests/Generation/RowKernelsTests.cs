using Rebel.Models.Generation;

namespace Rebel.Models.Tests.Generation;

/// <summary>The single-query attention kernels of KV-cache decoding against double-precision sums.</summary>
public class RowKernelsTests
{
    [TestCase(64, 1)]
    [TestCase(64, 3)]
    [TestCase(64, 4)]
    [TestCase(64, 81)]
    [TestCase(24, 19)]   // D a multiple of 8 but not 64
    [TestCase(5, 7)]     // D off the vector width: the portable path
    public void QueryKeys_And_WeightValues_MatchDoubleSums(int d, int length)
    {
        var rng = new Random(d * 100 + length);
        float[] Random(int n) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var q = Random(d);
        var keys = Random(length * d + 3);   // spare floats past the end must be ignored
        var values = Random(length * d + 3);
        var p = Random(length);
        float scale = 0.125f;

        var scores = new float[length];
        RowKernels.QueryKeys(q, keys, scale, scores);
        var output = Enumerable.Repeat(float.NaN, d).ToArray(); // overwritten, never read
        RowKernels.WeightValues(p, values, output);

        for (int j = 0; j < length; j++)
        {
            double s = 0;
            for (int e = 0; e < d; e++) s += (double)q[e] * keys[j * d + e];
            Assert.That(scores[j], Is.EqualTo(scale * s).Within(1e-5), $"score {j}");
        }
        for (int e = 0; e < d; e++)
        {
            double o = 0;
            for (int j = 0; j < length; j++) o += (double)p[j] * values[j * d + e];
            Assert.That(output[e], Is.EqualTo(o).Within(1e-5), $"channel {e}");
        }
    }

    [Test]
    public void ShortOperands_Throw()
    {
        Assert.Throws<ArgumentException>(() => RowKernels.QueryKeys(new float[8], new float[15], 1f, new float[2]));
        Assert.Throws<ArgumentException>(() => RowKernels.WeightValues(new float[2], new float[127], new float[64]));
    }
}
