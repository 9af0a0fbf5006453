using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Rebel.Models.Generation;

// Inference kernels over rows of a [N, C] matrix (no autograd). Legend: N rows (tokens), C width.
internal static class RowKernels
{
    /// <summary>Adds the bias b [C] to every row of y [N, C].</summary>
    public static void AddBias(Span<float> y, ReadOnlySpan<float> bias, int rows)
    {
        int c = bias.Length;
        for (int r = 0; r < rows; r++)
        {
            var yr = y.Slice(r * c, c);
            TensorPrimitives.Add(yr, bias, yr);
        }
    }

    /// <summary>
    /// scores[j] = scale · q·K[j] for j &lt; L = scores.Length: one query q [D] against keys K [L, D] (row-major). Four
    /// positions at a time, each accumulated across D in one vector register.
    /// </summary>
    public static void QueryKeys(ReadOnlySpan<float> q, ReadOnlySpan<float> keys, float scale, Span<float> scores)
    {
        int d = q.Length, length = scores.Length, j = 0;
        if ((long)length * d > keys.Length) throw new ArgumentException($"Keys hold {keys.Length} floats, fewer than {length}×{d}.", nameof(keys));
        if (Vector256.IsHardwareAccelerated && d % 8 == 0)
        {
            ref float k = ref MemoryMarshal.GetReference(keys);
            ref float qs = ref MemoryMarshal.GetReference(q);
            for (; j <= length - 4; j += 4)
            {
                var a0 = Vector256<float>.Zero;
                var a1 = Vector256<float>.Zero;
                var a2 = Vector256<float>.Zero;
                var a3 = Vector256<float>.Zero;
                nuint r0 = (nuint)(j * d), r1 = r0 + (nuint)d, r2 = r1 + (nuint)d, r3 = r2 + (nuint)d;
                for (int e = 0; e < d; e += 8)
                {
                    var qe = Vector256.LoadUnsafe(ref qs, (nuint)e);
                    a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref k, r0 + (nuint)e), qe, a0);
                    a1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref k, r1 + (nuint)e), qe, a1);
                    a2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref k, r2 + (nuint)e), qe, a2);
                    a3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref k, r3 + (nuint)e), qe, a3);
                }
                scores[j] = scale * Vector256.Sum(a0);
                scores[j + 1] = scale * Vector256.Sum(a1);
                scores[j + 2] = scale * Vector256.Sum(a2);
                scores[j + 3] = scale * Vector256.Sum(a3);
            }
        }
        for (; j < length; j++) scores[j] = scale * TensorPrimitives.Dot(q, keys.Slice(j * d, d));
    }

    /// <summary>
    /// output = Σ_j p[j] · V[j] over j &lt; L = p.Length: attention weights against values V [L, D] (row-major),
    /// D = output.Length. For D ≤ 64 the output stays in registers while the values stream past.
    /// </summary>
    public static void WeightValues(ReadOnlySpan<float> p, ReadOnlySpan<float> values, Span<float> output)
    {
        int d = output.Length, length = p.Length;
        if ((long)length * d > values.Length) throw new ArgumentException($"Values hold {values.Length} floats, fewer than {length}×{d}.", nameof(values));
        if (Vector256.IsHardwareAccelerated && d == 64)
        {
            ref float v = ref MemoryMarshal.GetReference(values);
            Vector256<float> o0 = default, o1 = default, o2 = default, o3 = default, o4 = default, o5 = default, o6 = default, o7 = default;
            for (int j = 0; j < length; j++)
            {
                var pj = Vector256.Create(p[j]);
                nuint r = (nuint)(j * 64);
                o0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref v, r), pj, o0);
                o1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref v, r + 8), pj, o1);
                o2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref v, r + 16), pj, o2);
                o3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref v, r + 24), pj, o3);
                o4 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref v, r + 32), pj, o4);
                o5 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref v, r + 40), pj, o5);
                o6 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref v, r + 48), pj, o6);
                o7 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref v, r + 56), pj, o7);
            }
            o0.CopyTo(output); o1.CopyTo(output[8..]); o2.CopyTo(output[16..]); o3.CopyTo(output[24..]);
            o4.CopyTo(output[32..]); o5.CopyTo(output[40..]); o6.CopyTo(output[48..]); o7.CopyTo(output[56..]);
            return;
        }
        output.Clear();
        for (int j = 0; j < length; j++) TensorPrimitives.MultiplyAdd(values.Slice(j * d, d), p[j], output, output);
    }

    /// <summary>ln softmax(z) in place; returns nothing. Stable: z − max − ln Σ exp(z − max).</summary>
    public static void LogSoftmax(Span<float> z)
    {
        float max = TensorPrimitives.Max(z);
        TensorPrimitives.Subtract(z, max, z);
        float sum = 0f;
        foreach (var v in z) sum += MathF.Exp(v);
        TensorPrimitives.Subtract(z, MathF.Log(sum), z);
    }
}
